"""The main job walked in headless Chromium through the real pages (issue #4 acceptance;
issue #6 item 7: how many screens and seconds, and every page with JavaScript off).

Only the world is set up through the services (agencies, staff, their
authenticators, the child); every step of the job itself is a page a person
uses: sign in with password and code, the decision aid (all questions on one
page, or one per page), the decision record, requests, building a share,
reading and acknowledging it. axe-core checks every screen for WCAG 2.x A and
AA, with JavaScript on and off (`Walk` explains how with it off).

The figure: the deciding practitioner's screens from opening their request
inbox to the share sent, at most 12. Run with `-s` to see it printed.
"""

import datetime

import pytest

from safeshare.access.tests.helpers import person_for
from safeshare.agencies.models import AgencyType, Role
from safeshare.agencies.tests.factories import AgencyFactory, staff
from safeshare.core import clock
from safeshare.core.sealed import open_text
from safeshare.decisions import aid, selectors
from safeshare.decisions.models import Decision
from safeshare.decisions.tests.helpers import NOT_SHARE_EARLY_HELP, SHARE_WITHOUT_CONSENT
from safeshare.demo.testing import totp_device
from safeshare.exchange.models import RequestResponse, Share
from safeshare.informing.models import SubjectNotification
from safeshare.ledger.kinds import EntryKind
from safeshare.ledger.models import Entry
from safeshare.people.identity import read_identity
from safeshare.web.tests.walk import Walk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


DECIDER_SCREENS_TARGET = 12


def answer_the_aid(walk: Walk, page, answers: dict[str, str]) -> None:
    """Every question on one page: tick the answers in the order the pack asks them.

    With JavaScript on, only the questions on the path so far show (a question
    ticked out of order would be hidden and could not be ticked); with it off,
    every question shows and the server drops answers off the path.
    """
    pack = selectors.pack_in_force()
    given: dict[str, str] = {}
    while (question := aid.next_question(pack, given, as_at=clock.today())) is not None:
        assert question.id in answers, f"the aid asked {question.id!r}, not in this walk"
        page.check(f"input[name={question.id}][value={answers[question.id]}]")
        given[question.id] = answers[question.id]
    assert given == answers, "the walk gave answers the aid never asked for"
    shown = {
        group.get_attribute("data-aid-question")
        for group in page.locator("[data-aid-question]").all()
        if group.is_visible()
    }
    graph = aid.question_graph(pack, as_at=clock.today())
    assert shown == (set(answers) if walk.javascript else set(graph)), shown
    walk.press(page, "Continue", path="/decisions/aid/record/", heading="Record your decision")


def answer_one_by_one(walk: Walk, page, answers: dict[str, str]) -> None:
    """One question per page, in the order the pack in force asks them."""
    walk.follow(page, "Answer one question at a time instead", path="/decisions/aid/question/")
    pack = selectors.pack_in_force()
    given: dict[str, str] = {}
    while (question := aid.next_question(pack, given, as_at=clock.today())) is not None:
        assert question.id in answers, f"the aid asked {question.id!r}, not in this walk"
        page.check(f"input[name=answer][value={answers[question.id]}]")
        given[question.id] = answers[question.id]
        after = aid.next_question(pack, given, as_at=clock.today())
        if after is None:
            walk.press(page, "Continue", path="/decisions/aid/record/")
        else:
            walk.press(page, "Continue", path="/decisions/aid/question/", heading=after.text)
    assert given == answers, "the walk gave answers the aid never asked for"


def start_the_aid(walk: Walk, page, child_name: str, child_id) -> None:
    walk.follow(page, "Decide whether to share", path="/decisions/aid/")
    page.select_option("#id_about", str(child_id))
    assert page.locator("#id_about option:checked").inner_text() == child_name
    walk.press(page, "Continue", path="/decisions/aid/answers/")


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
    answer_one_by_one(walk, page, NOT_SHARE_EARLY_HELP)
    assert page.locator("h2", has_text="Recommendation").inner_text() == (
        "Recommendation: Do not share"
    )

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


ITEMS = [
    ("education", "Attendance fell to 61% this term", "fact", "Attendance register"),
    ("family", "A neighbour's account of shouting at night", "opinion", "Neighbour, by phone"),
    ("safeguarding", "Bruising seen on the left forearm on 3 March", "fact", "Class teacher"),
]
UNSELECTED = ITEMS[1][1]


def add_item(walk: Walk, page, decision_id, category, content, nature, source) -> None:
    """Fill the builder's item form and add it: back on the builder with the item listed."""
    page.check(f"input[name=category][value='{category}']")
    page.fill("#id_content", content)
    page.check(f"input[name=nature][value='{nature}']")
    page.fill("#id_source", source)
    dated = clock.today() - datetime.timedelta(days=3)
    page.fill("#id_dated_on-day", str(dated.day))
    page.fill("#id_dated_on-month", str(dated.month))
    page.fill("#id_dated_on-year", str(dated.year))
    page.check("input[name=checked_accurate]")
    walk.press(page, "Add item", path=f"/exchange/shares/new/{decision_id}/")
    assert content in page.locator(".govuk-summary-card").last.inner_text()


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript-on", "javascript-off"])
def test_the_main_loop_from_request_to_the_family_told(live_server, browser, javascript):
    school = AgencyFactory(agency_type=AgencyType.SCHOOL, name="Riverside Primary School")
    trust = AgencyFactory(agency_type=AgencyType.CHILDRENS_TRUST, name="Children's Trust")
    asker = staff(Role.PRACTITIONER, agency=school)
    decider = staff(Role.PRACTITIONER, agency=trust)
    for user in (asker, decider):
        totp_device(user)
    child = person_for(asker)
    name = read_identity(child).display_name
    walk = Walk(browser, live_server.url, javascript=javascript)

    # Agency A's practitioner asks agency B about the child.
    a = walk.person()
    walk.sign_in(a, asker)
    walk.follow(a, "Children and families your agency works with", path="/people/")
    walk.follow(a, name, path=f"/people/{child.pk}/", heading=name)
    # The person page has no "Ask another agency" link yet: go to the request page itself.
    walk.goto(a, f"/exchange/requests/new/{child.pk}/")
    a.select_option("#id_to_agency", str(trust.pk))
    a.fill("#id_purpose", "Bruising seen at school; deciding whether to refer")
    a.fill("#id_information_needed", "Any involvement with the family in the last year")
    a.select_option("#id_legal_basis", "public_task")
    a.check("input[name=urgency][value=urgent]")
    walk.press(a, "Send request", heading="Information request")
    request_path = a.url.removeprefix(live_server.url)
    walk.sign_out(a)

    # Agency B's practitioner opens it from the inbox, takes it on and decides: the aid
    # starts about the request's child, and recording the decision answers the request.
    b = walk.person()
    walk.sign_in(b, decider)
    decider_from = (walk.screens, walk.seconds)
    walk.follow(b, "Information requests", path="/exchange/requests/")
    inbox = b.locator("table", has=b.locator("caption", has_text="Asked of your agency"))
    walk.click(b, inbox.get_by_role("link"), path=request_path, heading="Information request")
    assert name in b.locator("main").inner_text()
    walk.press(b, "Take on and decide", path="/decisions/aid/answers/")
    answer_the_aid(walk, b, SHARE_WITHOUT_CONSENT)
    assert b.locator("h2", has_text="Recommendation").inner_text() == (
        "Recommendation: Share without consent"
    )
    b.check("input[name=outcome][value=share]")
    b.fill("#id_purpose", "To help the school decide on a referral")
    b.fill("#id_information_considered", "Our records of the family this year")
    b.fill("#id_rationale", "Bruising and falling attendance: the school needs our history")
    b.select_option("#id_lawful_basis", "public_task")
    b.select_option(
        "#id_special_category_condition", "safeguarding_children_and_individuals_at_risk"
    )
    b.check("input[name=statutory_gateways][value=children_act_1989_s47]")
    b.check("input[name=consent_state][value=not_sought]")
    b.select_option("#id_consent_not_sought_reason", "increased_risk_of_significant_harm")
    b.select_option("#id_safeguarding_reason", "reasonable_cause_significant_harm")
    b.check(f"input[name=recipient_agencies][value='{school.pk}']")
    walk.press(b, "Record decision", heading="Share only what is needed")
    decision = Decision.objects.get()
    assert b.url == f"{live_server.url}/exchange/shares/new/{decision.pk}/"
    assert (
        "It answers the request from Riverside Primary School."
        in b.locator(".govuk-notification-banner").inner_text()
    )
    assert RequestResponse.objects.get().decision == decision

    # B builds the share on the same page: three items, one taken out again, then sent.
    for item in ITEMS:
        add_item(walk, b, decision.pk, *item)
    walk.press(b, "Remove item 2", path=f"/exchange/shares/new/{decision.pk}/")
    assert UNSELECTED not in b.locator("main").inner_text()
    b.check("input[name=kind][value=sharing]")
    b.select_option("#id_recipient", str(school.pk))
    walk.press(b, "Send share", heading=name)
    share = Share.objects.get(decision=decision)
    assert b.url == f"{live_server.url}/exchange/shares/{share.pk}/"
    decider_screens = walk.screens - decider_from[0]
    decider_seconds = walk.seconds - decider_from[1]

    # A's practitioner signs in again, sees only the selected items, acknowledges.
    a = walk.person()
    walk.sign_in(a, asker)
    walk.follow(a, "Shares sent and received", path="/exchange/shares/")
    walk.click(a, a.get_by_role("link", name="Sharing from Children's Trust"))
    assert a.url == f"{live_server.url}/exchange/shares/{share.pk}/"
    shown = a.locator("main").inner_text()
    assert ITEMS[0][1] in shown and ITEMS[2][1] in shown
    assert UNSELECTED not in a.content()
    walk.press(a, "Acknowledge receipt", path=f"/exchange/shares/{share.pk}/")
    assert "Your agency has acknowledged receipt." in a.locator("main").inner_text()

    # B, still signed in, sees the receipt and records that the family was told.
    share_path = f"/exchange/shares/{share.pk}/"
    walk.follow(b, "Home", path="/")
    walk.follow(b, "Shares sent and received", path="/exchange/shares/")
    walk.click(b, b.get_by_role("link", name="Sharing to Riverside Primary School"))
    assert b.url == f"{live_server.url}{share_path}"
    assert "Riverside Primary School: acknowledged" in b.locator("main").inner_text()
    informing = f"/exchange/informing/{share.pk}/"
    walk.follow(b, "Record whether the child or family was told about this share", path=informing)
    b.check("input[name=outcome][value=informed]")
    walk.press(b, "Continue", path=f"{informing}?outcome=informed", heading="They were told")
    today = clock.today()
    b.fill("#id_informed_on-day", str(today.day))
    b.fill("#id_informed_on-month", str(today.month))
    b.fill("#id_informed_on-year", str(today.year))
    b.check("input[name=method][value=in_person]")
    b.check(f"input[name=told_person_id][value='{child.pk}']")
    walk.press(b, "Record", path=informing)
    assert "Nothing yet" not in b.locator("main").inner_text()

    seconds = walk.seconds
    mode = "JavaScript on" if javascript else "JavaScript off"
    print(
        f"\nmain job ({mode}): the decider, inbox to share sent: "
        f"{decider_screens} screens, {decider_seconds:.1f} s"
    )
    print(f"  the whole walk (both agencies): {walk.screens} screens, {seconds:.1f} s")
    print(f"  (not counted: {walk.waited:.1f} s waiting for a fresh sign-in code)")
    walk.finish()
    assert decider_screens <= DECIDER_SCREENS_TARGET, walk.visited

    assert share.decision == decision and share.sender_agency == trust
    assert share.items.count() == 2
    assert [r.agency for r in share.recipients.all()] == [school]
    kinds = list(Entry.objects.order_by("seq").values_list("kind", flat=True))
    for kind in (
        EntryKind.REQUEST_RAISED,
        EntryKind.DECISION_RECORDED,
        EntryKind.REQUEST_ANSWERED,
        EntryKind.SHARE_SENT,
        EntryKind.SHARE_VIEWED,
        EntryKind.SHARE_ACKNOWLEDGED,
    ):
        assert kind in kinds, kind
    assert kinds.index(EntryKind.SHARE_SENT) < kinds.index(EntryKind.SHARE_ACKNOWLEDGED)
    told = SubjectNotification.objects.get(share=share)
    assert told.outcome == "informed" and told.method == "in_person"
    assert told.told_person == child and told.informed_by == decider
    assert told.recorded_by == decider and told.informed_on == today
    assert kinds[-1] == EntryKind.SUBJECT_INFORMED
