"""Consent walked in headless Chromium through the real pages (issue #5 acceptance).

Only the world is set up through the services (two agencies, a practitioner at
each with an authenticator, a child and her mother with parental
responsibility). A practitioner records the mother's consent on the consent
pages, records a decision relying on it and shares under it, then records that
the consent was withdrawn; the recipient signs in, sees the withdrawal on the
share and records its decision on continued use, which the sender then sees.
axe-core checks every screen for WCAG 2.x A and AA. The walk runs twice, with
JavaScript on and off (issue #6 item 7; `Walk` explains how axe runs with it off).
"""

import datetime

import pytest
from django.utils import timezone

from safeshare.access.tests.helpers import person_for
from safeshare.agencies.models import AgencyType, Role
from safeshare.agencies.tests.factories import AgencyFactory, staff
from safeshare.consent.models import Consent, ConsentWithdrawal
from safeshare.consent.tests.helpers import parent_of
from safeshare.consent.tests.test_services import EARLY_HELP_WITH_CONSENT
from safeshare.core import clock
from safeshare.decisions.models import Decision
from safeshare.demo.testing import totp_device
from safeshare.exchange.models import ContinuedUse, Share
from safeshare.ledger.kinds import EntryKind
from safeshare.ledger.models import Entry
from safeshare.people.identity import read_identity
from safeshare.web.tests.test_walk_main_job import add_item, answer_the_aid, start_the_aid
from safeshare.web.tests.walk import Walk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill_date(page, name: str, day: datetime.date) -> None:
    page.fill(f"#id_{name}-day", str(day.day))
    page.fill(f"#id_{name}-month", str(day.month))
    page.fill(f"#id_{name}-year", str(day.year))


def record_the_mothers_consent(walk: Walk, page, child, mother, recipient) -> Consent:
    walk.press(page, "Record consent", path=f"/consent/child/{child.pk}/new/?decision=given")
    assert page.locator("h1").inner_text().strip() == "Record consent"
    page.check(f"input[name=given_by_id][value='{mother.pk}']")
    fill_date(page, "given_at", clock.today())
    page.check("input[name=method][value=written]")
    for category in ("education", "health"):
        page.check(f"input[name=categories][value={category}]")
    page.check("input[name=purposes][value=receive_service]")
    page.check(f"input[name=recipient_agencies][value='{recipient.pk}']")
    page.check("input[name=recipient_purposes][value=provide_support]")
    for box in page.locator("input[name=explained], input[name=affirmed]").all():
        box.check()
    page.fill("#id_evidence", "Signed consent form, kept on the school file")
    fill_date(page, "review_on", clock.today() + datetime.timedelta(days=180))
    walk.press(page, "Record consent", heading="Consent given")
    consent = Consent.objects.get()
    assert page.url == f"{walk.base_url}/consent/{consent.pk}/"
    return consent


def decide_relying_on_it(walk: Walk, page, child, name, consent, recipient) -> Decision:
    walk.follow(page, "Home", path="/")
    start_the_aid(walk, page, name, child.pk)
    answer_the_aid(walk, page, EARLY_HELP_WITH_CONSENT)
    page.check("input[name=outcome][value=share]")
    page.fill("#id_purpose", "So the family can get support with attendance")
    page.fill("#id_information_considered", "Attendance and the support plan")
    page.fill("#id_rationale", "The mother agreed and support will help")
    page.select_option("#id_lawful_basis", "public_task")
    page.select_option("#id_special_category_condition", "art9_explicit_consent")
    page.check("input[name=consent_state][value=given]")
    page.check(f"input[name=consent_id][value='{consent.pk}']")
    page.select_option("#id_purpose_code", "receive_service")
    page.check(f"input[name=recipient_agencies][value='{recipient.pk}']")
    walk.press(page, "Record decision", heading="Decision: Share")
    decision = Decision.objects.get()
    assert decision.consent == consent and decision.purpose_code == "receive_service"
    return decision


def share_under_it(walk: Walk, page, decision, name, recipient) -> Share:
    walk.follow(
        page,
        "Choose what to share, and with whom",
        path=f"/exchange/shares/new/{decision.pk}/",
    )
    add_item(
        walk,
        page,
        decision.pk,
        "education",
        "Attendance fell to 61% this term",
        "fact",
        "Attendance register",
    )
    page.check("input[name=kind][value=sharing]")
    page.select_option("#id_recipient", str(recipient.pk))
    walk.press(page, "Send share", heading=name)
    share = Share.objects.get(decision=decision)
    assert page.url == f"{walk.base_url}/exchange/shares/{share.pk}/"
    return share


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript-on", "javascript-off"])
def test_a_consent_is_recorded_shared_under_withdrawn_and_seen_withdrawn_by_the_recipient(
    live_server, browser, javascript
):
    school = AgencyFactory(agency_type=AgencyType.SCHOOL, name="Riverside Primary School")
    trust = AgencyFactory(agency_type=AgencyType.CHILDRENS_TRUST, name="Family Support Trust")
    sender = staff(Role.PRACTITIONER, agency=school)
    receiver = staff(Role.PRACTITIONER, agency=trust)
    for user in (sender, receiver):
        totp_device(user)
    child = person_for(sender)
    mother = parent_of(sender, child)
    name = read_identity(child).display_name
    walk = Walk(browser, live_server.url, javascript=javascript)

    # The school's practitioner records the mother's consent from the child's page.
    a = walk.person()
    walk.sign_in(a, sender)
    walk.follow(a, "Children and families your agency works with", path="/people/")
    walk.follow(a, name, path=f"/people/{child.pk}/", heading=name)
    consent = record_the_mothers_consent(walk, a, child, mother, trust)
    shown = a.locator("main").inner_text()
    assert "Family Support Trust" in shown and "Education and attendance" in shown

    # A decision relying on it, and a share under it to the trust.
    decision = decide_relying_on_it(walk, a, child, name, consent, trust)
    share = share_under_it(walk, a, decision, name, trust)
    shown = a.locator("main").inner_text()
    assert "Consent this share relied on" in shown and "was withdrawn" not in shown

    # The mother withdraws her consent; the practitioner records it from the child's page.
    walk.follow(a, "Home", path="/")
    walk.follow(a, "Children and families your agency works with", path="/people/")
    walk.follow(a, name, path=f"/people/{child.pk}/", heading=name)
    timeline = a.locator("#timeline + table").inner_text()
    assert "Consent given by a person with parental responsibility" in timeline
    assert "Sharing sent to Family Support Trust" in timeline
    walk.click(a, a.locator("#consent + ul a").first, path=f"/consent/{consent.pk}/")
    walk.press(
        a,
        "Record that consent was withdrawn",
        path=f"/consent/{consent.pk}/withdraw/",
        heading="Record that consent was withdrawn",
    )
    fill_date(a, "withdrawn_at", clock.today())
    a.check("input[name=method][value=verbal]")
    a.fill("#id_reasons", "The family no longer want the trust involved")
    walk.press(a, "Record the withdrawal", path=f"/consent/{consent.pk}/")
    withdrawal = ConsentWithdrawal.objects.get(consent=consent)
    walk.sign_out(a)

    # The trust's practitioner sees the withdrawal on the share and decides on continued use.
    withdrawn_on = f"{timezone.localdate(withdrawal.withdrawn_at):%-d %B %Y}"
    share_path = f"/exchange/shares/{share.pk}/"
    b = walk.person()
    walk.sign_in(b, receiver)
    walk.follow(b, "Shares sent and received", path="/exchange/shares/")
    walk.click(b, b.get_by_role("link", name="Sharing from Riverside Primary School"))
    assert b.url == f"{live_server.url}{share_path}"
    shown = b.locator("main").inner_text()
    assert f"The consent this share relied on was withdrawn on {withdrawn_on}" in shown
    assert "Attendance fell to 61% this term" in shown
    walk.follow(
        b,
        "Record your agency's decision on continued use",
        path=f"/consent/share/{share.pk}/continued-use/",
        heading="Decide on continued use",
    )
    b.check("input[name=decision][value=stop_using]")
    b.fill("#id_reasons", "We hold no other basis: restricted on our case system")
    walk.press(b, "Record decision", path=share_path)
    shown = b.locator("main").inner_text()
    assert "Stop using the information and restrict it" in shown
    assert "We hold no other basis" in shown

    # The school, signing in again, sees the trust's decision on its share.
    a = walk.person()
    walk.sign_in(a, sender)
    walk.goto(a, share_path, heading=name)
    shown = a.locator("main").inner_text()
    assert f"withdrawn on {withdrawn_on}" in shown
    assert "Stop using the information and restrict it" in shown
    mode = "JavaScript on" if javascript else "JavaScript off"
    print(f"\nconsent walk ({mode}): {walk.screens} screens, {walk.seconds:.1f} s")
    walk.finish()

    use = ContinuedUse.objects.get()
    assert use.recipient.share == share and use.decided_by == receiver
    assert use.withdrawal == withdrawal and use.decision == "stop_using"
    kinds = list(Entry.objects.order_by("seq").values_list("kind", flat=True))
    order = [
        EntryKind.CONSENT_RECORDED,
        EntryKind.DECISION_RECORDED,
        EntryKind.SHARE_SENT,
        EntryKind.CONSENT_WITHDRAWN,
        EntryKind.CONSENT_WITHDRAWAL_NOTIFIED,
        EntryKind.CONSENT_CONTINUED_USE_DECIDED,
    ]
    assert [k for k in kinds if k in order] == order
