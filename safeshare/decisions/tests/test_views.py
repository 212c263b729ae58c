"""Walking the decision aid in the browser, one question per page, to a recorded decision."""

import html

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from safeshare.access.tests.helpers import person_for
from safeshare.agencies.models import AgencyType, Role
from safeshare.agencies.tests.factories import AgencyFactory, staff
from safeshare.core import clock
from safeshare.decisions import aid, selectors, services
from safeshare.decisions.flow import SESSION_KEY
from safeshare.decisions.models import Decision, DecisionReview, ProtocolPackChoice
from safeshare.decisions.services import DecisionDraft
from safeshare.decisions.tests.helpers import (
    NOT_SHARE_EARLY_HELP,
    SHARE_WITH_CONSENT,
    SHARE_WITHOUT_CONSENT,
    latest_entry,
    not_share_fields,
)
from safeshare.demo.testing import sign_in_verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def author():
    return staff(Role.PRACTITIONER, agency=AgencyFactory(agency_type=AgencyType.SCHOOL))


def signed_in(user) -> Client:
    client = Client()
    sign_in_verified(client, user)
    return client


def walk(client, child, answers):
    """Choose the child, answer every question on one page, land on the record page."""
    response = client.post("/decisions/aid/", {"about": str(child.pk)})
    assert response.status_code == 302 and response["Location"] == "/decisions/aid/answers/"
    page = client.get("/decisions/aid/answers/").content.decode()
    for question, answer in answers.items():
        assert f'name="{question}" type="radio" value="{answer}"' in page, question
    response = client.post("/decisions/aid/answers/", answers)
    assert response.status_code == 302 and response["Location"] == "/decisions/aid/record/"
    return client.get("/decisions/aid/record/")


def walk_one_by_one(client, child, answers):
    """The same, one question per page (for those who prefer it)."""
    client.post("/decisions/aid/", {"about": str(child.pk)})
    for question, answer in answers.items():
        page = client.get("/decisions/aid/question/")
        assert page.status_code == 200, question
        assert f'name="answer" type="radio" value="{answer}"' in page.content.decode(), question
        response = client.post("/decisions/aid/question/", {"answer": answer})
        assert response.status_code == 302
    assert response["Location"] == "/decisions/aid/record/"
    return client.get("/decisions/aid/record/")


def test_walk_the_aid_and_record_a_decision_to_share(author):
    child = person_for(author)
    recipient = AgencyFactory(agency_type=AgencyType.CHILDRENS_TRUST)
    client = signed_in(author)
    form = walk(client, child, SHARE_WITHOUT_CONSENT)
    body = form.content.decode()
    assert form.status_code == 200 and "Record your decision" in body
    assert "Recommendation: Share without consent" in body
    # The answers, each with a way to change it, sit above the record form.
    assert 'href="/decisions/aid/question/public_interest/"' in body
    assert body.index("Recommendation:") < body.index('name="outcome"')
    assert str(child.pk) not in form.request["PATH_INFO"]
    response = client.post(
        "/decisions/aid/record/",
        {
            "outcome": "share",
            "purpose": "To protect the child",
            "rationale": "Immediate risk",
            "information_considered": "Teacher's account",
            "lawful_basis": "public_task",
            "special_category_condition": "safeguarding_children_and_individuals_at_risk",
            "statutory_gateways": ["children_act_1989_s47"],
            "consent_state": "not_sought",
            "consent_not_sought_reason": "increased_risk_of_significant_harm",
            "safeguarding_reason": "reasonable_cause_significant_harm",
            "recipient_agencies": [str(recipient.pk)],
        },
    )
    decision = Decision.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/decisions/{decision.pk}/"
    assert decision.outcome == "share" and not decision.departs_from_recommendation
    assert list(decision.recipient_agencies.all()) == [recipient]
    assert latest_entry().kind == "decision.recorded"
    detail = client.get(response["Location"]).content.decode()
    assert "current-law-2026, version 2026.1" in detail and "To protect the child" in detail


def test_record_form_shows_service_errors_beside_fields_and_writes_nothing(author):
    child = person_for(author)
    client = signed_in(author)
    walk(client, child, SHARE_WITHOUT_CONSENT)
    response = client.post(
        "/decisions/aid/record/", {"outcome": "share", "consent_state": "not_sought"}
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert "There is a problem" in body
    assert 'href="#id_lawful_basis"' in body and 'href="#id_purpose"' in body
    assert Decision.objects.count() == 0


def test_changing_an_answer_drops_answers_off_the_new_path(author):
    child = person_for(author)
    client = signed_in(author)
    walk_one_by_one(client, child, SHARE_WITH_CONSENT)
    response = client.post("/decisions/aid/question/purpose/", {"answer": "no"})
    assert response["Location"] == "/decisions/aid/record/"
    record = client.get("/decisions/aid/record/").content.decode()
    assert "Recommendation: Do not share" in record
    assert "Has consent to share been given?" not in record
    assert client.session[SESSION_KEY]["answers"] == {"purpose": "no"}


def test_questions_asked_after_certain_answers_say_so_from_the_pack_graph(author):
    client = signed_in(author)
    client.post("/decisions/aid/", {"about": str(person_for(author).pk)})
    page = html.unescape(client.get("/decisions/aid/answers/").content.decode())
    pack = selectors.pack_in_force()
    for question in aid.question_graph(pack, as_at=clock.today()):
        assert f'name="{question}"' in page, question
    assert "Answer if you answered 'Yes' to 'Is the information confidential?'." in page
    assert (
        "Answer if you answered 'Early Help, level 1', 'Early Help, level 2' or "
        "'Early Help, level 3' to 'What is the child's level of need?'."
    ) in page
    # The s16LA question needs a provision not yet in force: passed by, not shown.
    assert pack.questions["more_detrimental"].requires_provision
    assert 'name="more_detrimental"' not in page
    assert "decisions/aid-answers.js" in page and "data-aid-graph" in page
    assert finders.find("decisions/aid-answers.js") is not None


def test_answers_off_the_path_are_dropped_not_stored(author):
    client = signed_in(author)
    client.post("/decisions/aid/", {"about": str(person_for(author).pk)})
    # Early Help: the safeguarding questions are not on the path, whatever was ticked.
    off_path = {"confidential": "yes", "consent_safeguarding": "given"}
    response = client.post("/decisions/aid/answers/", {**NOT_SHARE_EARLY_HELP, **off_path})
    assert response.status_code == 302 and response["Location"] == "/decisions/aid/record/"
    assert client.session[SESSION_KEY]["answers"] == NOT_SHARE_EARLY_HELP
    # The s16LA question is passed by (not in force), as one question per page does.
    record = client.get("/decisions/aid/record/").content.decode()
    assert "Recommendation: Do not share" in record
    # Coming back, the answers kept are shown ticked.
    page = client.get("/decisions/aid/answers/").content.decode()
    assert 'name="consent_early_help" type="radio" value="refused" checked' in page
    assert 'name="confidential" type="radio" value="yes" checked' not in page


def test_an_unanswered_question_on_the_path_is_named_and_nothing_is_kept(author):
    client = signed_in(author)
    client.post("/decisions/aid/", {"about": str(person_for(author).pk)})
    partial = {k: v for k, v in SHARE_WITH_CONSENT.items() if k != "confidential"}
    response = client.post("/decisions/aid/answers/", partial)
    assert response.status_code == 422
    page = html.unescape(response.content.decode())
    assert "There is a problem" in page
    assert 'href="#id_confidential"' in page
    assert "Select an answer to 'Is the information confidential?'" in page
    assert client.session[SESSION_KEY]["answers"] == {}
    bad = client.post("/decisions/aid/answers/", {**SHARE_WITH_CONSENT, "purpose": "perhaps"})
    assert bad.status_code == 422 and 'href="#id_purpose"' in bad.content.decode()
    assert client.session[SESSION_KEY]["answers"] == {}


def test_decision_not_to_share_walk_and_review_of_a_departure(author):
    child = person_for(author)
    lead = staff(Role.SAFEGUARDING_LEAD, agency=author.agency)
    client = signed_in(author)
    walk(client, child, SHARE_WITH_CONSENT)
    response = client.post(
        "/decisions/aid/record/",
        {
            "outcome": "not_share",
            "purpose": "To arrange support",
            "rationale": "The family withdrew consent after the aid was run",
            "information_considered": "The family plan",
            "consent_state": "refused",
        },
    )
    decision = Decision.objects.get()
    assert response.status_code == 302 and decision.departs_from_recommendation
    lead_client = signed_in(lead)
    listing = lead_client.get("/decisions/departures/").content.decode()
    assert f"/decisions/{decision.pk}/review/" in listing
    response = lead_client.post(
        f"/decisions/{decision.pk}/review/", {"outcome": "endorsed", "comments": "Justified"}
    )
    assert response.status_code == 302
    assert DecisionReview.objects.get().decision == decision
    assert latest_entry().kind == "decision.reviewed"


def test_correcting_a_decision_keeps_the_old_one_readable(author):
    child = person_for(author)
    first = services.decision_record(
        actor=author, subject=child, draft=DecisionDraft(**not_share_fields())
    )
    client = signed_in(author)
    response = client.post(f"/decisions/{first.pk}/correct/")
    assert response["Location"] == "/decisions/aid/record/"
    record = client.get("/decisions/aid/record/").content.decode()
    assert "You are correcting an earlier decision" in record
    response = client.post(
        "/decisions/aid/record/",
        {
            "outcome": "not_share",
            "purpose": "To arrange support",
            "rationale": "Corrected reasons",
            "information_considered": "The family plan",
            "consent_state": "refused",
        },
    )
    second = Decision.objects.exclude(pk=first.pk).get()
    assert second.supersedes == first
    old = client.get(f"/decisions/{first.pk}/").content.decode()
    assert "corrected by a later decision" in old


def test_advice_pages_hide_the_child_from_the_adviser(author):
    child = person_for(author)
    lead = staff(Role.SAFEGUARDING_LEAD, agency=author.agency)
    client = signed_in(author)
    response = client.post(
        "/decisions/advice/ask/",
        {
            "adviser": str(lead.pk),
            "subject": str(child.pk),
            "identity_revealed": "no",
            "question": "Should I tell the parents?",
        },
    )
    assert response.status_code == 302
    advice = selectors.advice_asked_by(user=author).get()
    lead_client = signed_in(lead)
    page = lead_client.get(f"/decisions/advice/{advice.pk}/").content.decode()
    assert "Should I tell the parents?" in page and "Not revealed" in page
    assert "Given" not in page  # no part of the child's name
    response = lead_client.post(
        f"/decisions/advice/{advice.pk}/",
        {"advised_outcome": "seek_consent", "advice": "Talk to them first"},
    )
    assert response.status_code == 302
    assert latest_entry().kind == "advice.given"


def test_partnership_officer_sees_overdue_review_and_chooses_a_pack():
    officer = staff(Role.PARTNERSHIP_OFFICER)
    client = signed_in(officer)
    page = client.get("/decisions/packs/").content.decode()
    assert "Review overdue since 30 November 2023" in page
    response = client.post("/decisions/packs/", {"pack_id": "scsp-2022", "reason": "Board"})
    assert response.status_code == 302
    assert ProtocolPackChoice.objects.get().pack_id == "scsp-2022"
    home = client.get("/").content.decode()
    assert "/decisions/packs/" in home


@pytest.mark.parametrize("page", ["/decisions/", "/decisions/people/{child}/"])
def test_decision_lists_use_a_constant_number_of_queries(
    page, author, django_assert_max_num_queries
):
    client = signed_in(author)
    child = person_for(author)
    path = page.format(child=child.pk)
    services.decision_record(actor=author, subject=child, draft=DecisionDraft(**not_share_fields()))
    with django_assert_max_num_queries(30) as few:
        client.get(path)
    for _ in range(5):
        services.decision_record(
            actor=author, subject=child, draft=DecisionDraft(**not_share_fields())
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(path)
    assert response.content.decode().count(">Follows<") == 6


def test_departures_and_advice_lists_use_a_constant_number_of_queries(
    author, django_assert_max_num_queries
):
    lead = staff(Role.SAFEGUARDING_LEAD, agency=author.agency)
    client = signed_in(lead)
    child = person_for(author)

    def add():
        services.decision_record(
            actor=author,
            subject=child,
            draft=DecisionDraft(**not_share_fields(answers=dict(SHARE_WITH_CONSENT))),
        )
        services.advice_request(actor=author, adviser=lead, subject=child, question="?")

    add()
    counts = {}
    for path in ("/decisions/departures/", "/decisions/advice/"):
        with django_assert_max_num_queries(30) as few:
            client.get(path)
        counts[path] = len(few.captured_queries)
    for _ in range(4):
        add()
    for path, count in counts.items():
        with django_assert_max_num_queries(count):
            response = client.get(path)
        assert response.status_code == 200
    assert client.get("/decisions/departures/").content.decode().count("/review/") == 5
