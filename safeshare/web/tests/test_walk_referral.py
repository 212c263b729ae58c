"""A MASH referral with the family's agreement, walked in headless Chromium (issue #13
item 1 acceptance).

Only the world is set up through the services: a school, the children's trust's
front door, the school's safeguarding lead and a duty practitioner at the door
(each with an authenticator), a child and her mother with parental
responsibility. The lead records the mother's agreement to a referral on the
consent pages, then refers from the child's page citing that agreement, with
the school's own lawful basis; the door's practitioner opens the referral.
axe-core checks every screen.
"""

import datetime

import pytest

from safeshare.access.tests.helpers import person_for
from safeshare.agencies.models import AgencyType, Role
from safeshare.agencies.tests.factories import AgencyFactory, staff
from safeshare.consent.models import Consent
from safeshare.consent.tests.helpers import parent_of
from safeshare.core import clock
from safeshare.demo.testing import totp_device
from safeshare.exchange.models import Referral
from safeshare.people.identity import read_identity
from safeshare.web.tests.test_walk_consent import fill_date
from safeshare.web.tests.walk import Walk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def record_the_mothers_agreement(walk: Walk, page, child, mother, door) -> Consent:
    walk.press(page, "Record consent", path=f"/consent/child/{child.pk}/new/?decision=given")
    page.check(f"input[name=given_by_id][value='{mother.pk}']")
    fill_date(page, "given_at", clock.today())
    page.check("input[name=method][value=verbal]")
    page.check("input[name=categories][value=safeguarding]")
    page.check("input[name=purposes][value=safeguarding]")
    page.check(f"input[name=recipient_agencies][value='{door.pk}']")
    page.check("input[name=recipient_purposes][value=safeguarding]")
    for box in page.locator("input[name=explained], input[name=affirmed]").all():
        box.check()
    page.fill("#id_evidence", "Agreed on the telephone with the designated safeguarding lead")
    fill_date(page, "review_on", clock.today() + datetime.timedelta(days=90))
    walk.press(page, "Record consent", heading="Consent given")
    return Consent.objects.get()


def test_a_referral_cites_the_familys_agreement(live_server, browser):
    school = AgencyFactory(agency_type=AgencyType.SCHOOL, name="Riverside Primary School")
    door = AgencyFactory(
        agency_type=AgencyType.CHILDRENS_TRUST,
        name="Children's Trust Front Door",
        is_front_door=True,
    )
    lead = staff(Role.SAFEGUARDING_LEAD, Role.PRACTITIONER, agency=school)
    duty = staff(Role.PRACTITIONER, agency=door)
    for user in (lead, duty):
        totp_device(user)
    child = person_for(lead)
    mother = parent_of(lead, child)
    name = read_identity(child).display_name
    walk = Walk(browser, live_server.url)

    a = walk.person()
    walk.sign_in(a, lead)
    walk.follow(a, "Children and families your agency works with", path="/people/")
    walk.follow(a, name, path=f"/people/{child.pk}/", heading=name)
    consent = record_the_mothers_agreement(walk, a, child, mother, door)

    walk.goto(a, f"/people/{child.pk}/", heading=name)
    walk.follow(
        a,
        "Refer to the children's trust front door (MASH)",
        path=f"/exchange/referrals/new/{child.pk}/",
    )
    # Nothing is chosen for the referrer: agreeing needs the agreement cited.
    a.check("input[name=harm_basis][value=likely]")
    a.fill("#id_reason", "Bruising seen twice this week, and the mother is worried too")
    a.check("input[name=consent_state][value=given]")
    a.check("input[name=lawful_basis][value=public_task]")
    a.fill("#id_content", "Bruising to the upper arm, seen on Monday and Thursday")
    a.check("input[name=nature][value=fact]")
    a.fill("#id_source", "Class teacher's note")
    fill_date(a, "dated_on", clock.today())
    a.check("input[name=checked_accurate]")
    walk.press(a, "Make referral", path=f"/exchange/referrals/new/{child.pk}/")
    assert "Choose the family's agreement on file" in a.locator(".govuk-error-summary").inner_text()
    assert not Referral.objects.exists()
    a.select_option("#id_consent_id", str(consent.pk))
    walk.press(a, "Make referral", heading=name)
    referral = Referral.objects.get()
    assert referral.decision.consent == consent
    assert referral.decision.consent_state == "given"
    assert referral.decision.lawful_basis == "public_task"
    assert referral.decision.statutory_gateways == []
    walk.sign_out(a)

    b = walk.person()
    walk.sign_in(b, duty)
    walk.goto(b, f"/exchange/shares/{referral.share_id}/", heading=name)
    assert "Bruising to the upper arm" in b.locator("main").inner_text()
    print(f"\nreferral walk: {walk.screens} screens, {walk.seconds:.1f} s")
    walk.finish()
