"""A decision's time, as the client gives it (issue #11 item 4): held to the pack's bound
through the API and the service, recorded with its reason, in the ledger with both times,
and never moving the pack the decision cites."""

import datetime

import pytest
import time_machine

from safeshare.access.tests.helpers import person_for
from safeshare.agencies.models import AgencyType, Role
from safeshare.agencies.tests.factories import AgencyFactory, staff
from safeshare.api.tests.helpers import assert_problem, token_client
from safeshare.core import clock
from safeshare.decisions import services
from safeshare.decisions.models import Decision
from safeshare.decisions.selectors import pack_in_force
from safeshare.decisions.tests.helpers import NOT_SHARE_EARLY_HELP, latest_entry
from safeshare.exchange.tests.helpers import raise_request
from safeshare.ledger.models import Entry
from safeshare.people.services.involvements import involvement_start

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 25, 10, 0, tzinfo=datetime.UTC)
KNOWN_SINCE = NOW - datetime.timedelta(days=20)  # the school began working with the child


@pytest.fixture
def w():
    with time_machine.travel(KNOWN_SINCE, tick=False):
        school = AgencyFactory(agency_type=AgencyType.SCHOOL)
        author = staff(Role.PRACTITIONER, agency=school)
        child = person_for(author)
    with time_machine.travel(NOW, tick=False):
        yield {"school": school, "author": author, "child": child, "api": token_client(author)}


def body(w, **overrides) -> dict:
    values = {
        "subject": str(w["child"].pk),
        "answers": dict(NOT_SHARE_EARLY_HELP),
        "outcome": "not_share",
        "purpose": "To help the family get parenting support",
        "rationale": "The parents refused and there is no risk of significant harm",
        "information_considered": "The family support plan",
        "consent_state": "refused",
    }
    values.update(overrides)
    return values


def post(w, **overrides):
    return w["api"].post("/api/v1/decisions", body(w, **overrides), content_type="application/json")


def ago(**delta) -> str:
    return (NOW - datetime.timedelta(**delta)).isoformat()


def test_a_decision_dated_earlier_with_a_reason_is_recorded_with_both_times(w):
    response = post(
        w,
        decided_at=ago(days=3),
        backdating_reason="other",
        backdating_explanation="Decided at the core group meeting; the laptop had no signal",
    )
    assert response.status_code == 201, response.content
    out = response.json()
    assert out["decided_at"].startswith("2026-11-22T10:00:00")
    assert out["recorded_at"].startswith("2026-11-25T10:00:00")
    assert out["backdating_reason"] == "other"
    assert out["backdating_explanation"].startswith("Decided at the core group meeting")
    decision = Decision.objects.get()
    assert b"core group" not in bytes(decision.backdating_explanation_enc)  # sealed
    entry = latest_entry()
    assert entry.kind == "decision.recorded"
    assert entry.payload["decided_at"] == "2026-11-22T10:00:00+00:00"
    assert entry.payload["recorded_at"] == "2026-11-25T10:00:00+00:00"
    assert entry.payload["backdating_reason"] == "other"
    assert "core group" not in str(entry.payload)


def test_a_decision_recorded_as_it_is_made_needs_no_reason(w):
    response = post(w, decided_at=ago(minutes=10))
    assert response.status_code == 201, response.content
    assert response.json()["backdating_reason"] == ""
    assert latest_entry().payload["backdating_reason"] == ""


@pytest.mark.parametrize(
    ("overrides", "field", "rule"),
    [
        ({"decided_at": ago(minutes=-3)}, "decided_at", "future"),
        (
            {"decided_at": ago(days=31), "backdating_reason": "away_from_system"},
            "decided_at",
            "backdating_limit",
        ),
        (
            {"decided_at": ago(days=21), "backdating_reason": "away_from_system"},
            "decided_at",
            "before_involvement",
        ),
        ({"decided_at": ago(hours=2)}, "backdating_reason", "required"),
        (
            {"decided_at": ago(hours=2), "backdating_reason": "overslept"},
            "backdating_reason",
            "unknown_code",
        ),
        (
            {"decided_at": ago(hours=2), "backdating_reason": "other"},
            "backdating_explanation",
            "required",
        ),
        ({"backdating_reason": "away_from_system"}, "backdating_reason", "not_backdated"),
        ({"backdating_explanation": "Just because"}, "backdating_explanation", "not_applicable"),
        ({"decided_at": "2026-11-24T10:00:00"}, "decided_at", "timezone_required"),
    ],
    ids=[
        "future",
        "older-than-the-pack-allows",
        "before-involvement",
        "no-reason",
        "unknown-reason",
        "reason-needs-explaining",
        "reason-when-not-late",
        "explanation-without-reason",
        "naive",
    ],
)
def test_a_bad_decision_time_is_a_problem_naming_the_field_and_nothing_is_written(
    w, overrides, field, rule
):
    entries = Entry.objects.count()
    problem = assert_problem(post(w, **overrides), 422, field)
    assert rule in [e["rule"] for e in problem["errors"] if e["field"] == field]
    assert not Decision.objects.exists()
    assert Entry.objects.count() == entries


def test_the_pack_limit_is_counted_in_calendar_days(w):
    # 30 days before 25 November is 26 October: its first minute is in, the last before out.
    first = datetime.datetime(2026, 10, 26, 0, 0, tzinfo=datetime.UTC)  # GMT after 25 Oct
    with time_machine.travel(NOW - datetime.timedelta(days=40), tick=False):
        w["child"] = person_for(w["author"])  # known long before
    kept = post(w, decided_at=first.isoformat(), backdating_reason="recorded_from_notes")
    assert kept.status_code == 201, kept.content
    late = post(
        w,
        decided_at=(first - datetime.timedelta(minutes=1)).isoformat(),
        backdating_reason="recorded_from_notes",
    )
    problem = assert_problem(late, 422, "decided_at")
    assert [e["rule"] for e in problem["errors"]] == ["backdating_limit"]


def test_a_back_dated_decision_cites_the_pack_in_force_when_recorded(w):
    officer = staff(Role.PARTNERSHIP_OFFICER, agency=AgencyFactory(agency_type="partnership"))
    before = pack_in_force()
    other = "scsp-2022" if before.id == "current-law-2026" else "current-law-2026"
    with time_machine.travel(NOW - datetime.timedelta(days=1), tick=False):
        services.pack_choose(actor=officer, pack_id=other, reason="The partnership approved it")
    response = post(w, decided_at=ago(days=5), backdating_reason="away_from_system")
    assert response.status_code == 201, response.content
    assert response.json()["pack_id"] == other  # in force now, not on the date claimed
    assert latest_entry().payload["pack_id"] == other


# --- the request it answers -------------------------------------------------------------


@pytest.fixture
def asked(w):
    requester = staff(Role.PRACTITIONER, agency=AgencyFactory(agency_type=AgencyType.POLICE))
    with time_machine.travel(KNOWN_SINCE, tick=False):
        involvement_start(actor=requester, agency=requester.agency, person=w["child"])
    with time_machine.travel(NOW - datetime.timedelta(days=1), tick=False):
        request = raise_request(requester, w["child"], w["school"])
    return request


def test_an_earlier_decision_cannot_answer_a_later_request_through_the_api(w, asked):
    made = post(w, decided_at=ago(days=2), backdating_reason="away_from_system")
    assert made.status_code == 201, made.content
    entries = Entry.objects.count()
    answer = w["api"].post(
        f"/api/v1/requests/{asked.pk}/answer",
        {"decision_id": made.json()["id"]},
        content_type="application/json",
    )
    problem = assert_problem(answer, 422, "decision_id")
    assert [e["rule"] for e in problem["errors"]] == ["before_request"]
    assert Entry.objects.count() == entries
    assert clock.now() == NOW
