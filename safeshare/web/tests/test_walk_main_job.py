"""The main job walked in headless Chromium through the real pages (issue #4 acceptance).

Only the world is set up through the services (agencies, staff, their
authenticators, the child); every step of the job itself is a page a person
uses: sign in with password and code, the decision aid one question per page,
the decision record, requests, building a share, reading and acknowledging it.
axe-core checks every screen for WCAG 2.x A and AA.
"""

import pytest

from safeshare.access.tests.helpers import person_for
from safeshare.agencies.models import AgencyType, Role
from safeshare.agencies.tests.factories import AgencyFactory, staff
from safeshare.core import clock
from safeshare.decisions import aid, selectors
from safeshare.decisions.models import Decision
from safeshare.decisions.tests.helpers import NOT_SHARE_EARLY_HELP
from safeshare.ledger.kinds import EntryKind
from safeshare.ledger.models import Entry
from safeshare.people.identity import read_identity
from safeshare.people.sealing import open_text
from safeshare.web.testing import totp_device
from safeshare.web.tests.walk import Walk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def answer_the_aid(walk: Walk, page, answers: dict[str, str]) -> None:
    """One question per page, in the order the pack in force asks them."""
    pack = selectors.pack_in_force()
    given: dict[str, str] = {}
    while (question := aid.next_question(pack, given, as_at=clock.today())) is not None:
        assert question.id in answers, f"the aid asked {question.id!r}, not in this walk"
        page.check(f"input[name=answer][value={answers[question.id]}]")
        given[question.id] = answers[question.id]
        after = aid.next_question(pack, given, as_at=clock.today())
        if after is None:
            walk.press(page, "Continue", path="/decisions/aid/check/")
        else:
            walk.press(page, "Continue", path="/decisions/aid/question/")
            assert page.locator("h1").inner_text().strip() == after.text
    assert given == answers, "the walk gave answers the aid never asked for"


def start_the_aid(walk: Walk, page, child_name: str, child_id) -> None:
    walk.follow(page, "Decide whether to share", path="/decisions/aid/")
    page.select_option("#id_about", str(child_id))
    assert page.locator("#id_about option:checked").inner_text() == child_name
    walk.press(page, "Continue", path="/decisions/aid/question/")


def test_a_practitioner_records_a_decision_not_to_share_with_reasons(live_server, browser):
    author = staff(Role.PRACTITIONER, agency=AgencyFactory(agency_type=AgencyType.SCHOOL))
    totp_device(author)
    child = person_for(author)
    name = read_identity(child).display_name
    walk = Walk(browser, live_server.url)
    page = walk.person()

    walk.sign_in(page, author)
    walk.follow(page, "Children and families your agency works with", path="/people/")
    walk.follow(page, name, path=f"/people/{child.pk}/", heading=name)
    walk.follow(page, "Home", path="/")
    start_the_aid(walk, page, name, child.pk)
    answer_the_aid(walk, page, NOT_SHARE_EARLY_HELP)
    assert page.locator("h2", has_text="Recommendation").inner_text() == (
        "Recommendation: Do not share"
    )
    walk.press(page, "Continue to record your decision", path="/decisions/aid/record/")

    rationale = "Parents refused; no reasonable cause to believe there is significant harm"
    page.check("input[name=outcome][value=not_share]")
    page.fill("#id_purpose", "To arrange parenting support through Early Help")
    page.fill("#id_information_considered", "The family support plan of March")
    page.fill("#id_rationale", rationale)
    page.check("input[name=consent_state][value=refused]")
    walk.press(page, "Record decision", heading="Decision: Do not share")

    decision = Decision.objects.get()
    assert page.url == f"{live_server.url}/decisions/{decision.pk}/"
    assert rationale in page.locator("main").inner_text()
    assert name in page.locator("main").inner_text()
    assert decision.outcome == "not_share" and decision.subject == child
    assert decision.decided_by == author and decision.consent_state == "refused"
    assert decision.answers == NOT_SHARE_EARLY_HELP
    assert decision.recommendation == "do_not_share" and not decision.departs_from_recommendation
    # The reasons are sealed under the child's key: not in the row, nor in the ledger.
    sealed = bytes(decision.rationale_enc)
    assert rationale.encode() not in sealed and b"Parents refused" not in sealed
    opened = open_text(child, record_id=decision.pk, field="rationale", blob=sealed)
    assert opened == rationale
    entry = Entry.objects.filter(kind=EntryKind.DECISION_RECORDED).get()
    assert entry.actor_ref == f"user:{author.pk}"
    assert entry.subject_ref == str(child.pk)
    assert entry.agency_ref == str(author.agency.pk)
    assert "Parents refused" not in str(entry.payload) and name not in str(entry.payload)
    walk.finish()
