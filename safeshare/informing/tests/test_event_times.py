"""The day the child or family was told of a share, as the client gives it (issue #11 item
4): held to the pack's bound through the API and the pages, with a reason for a day
before today, stored and in the ledger with the time of recording."""

import datetime

import pytest
import time_machine
from django.test import Client

from safeshare.access.tests.helpers import person_for
from safeshare.api.tests.helpers import assert_problem, token_client
from safeshare.core.sealed import open_text
from safeshare.demo.testing import sign_in_verified
from safeshare.exchange.tests.helpers import last_entry, pair, send
from safeshare.informing.models import SubjectNotification
from safeshare.informing.selectors import subject_tasks_open
from safeshare.ledger.models import Entry

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 25, 10, 0, tzinfo=datetime.UTC)
TODAY = datetime.date(2026, 11, 25)


@pytest.fixture
def sent():
    home, other, author, _ = pair()
    with time_machine.travel(NOW - datetime.timedelta(days=20), tick=False):
        child = person_for(author)  # the school works with the child from 5 November
    with time_machine.travel(NOW - datetime.timedelta(days=10), tick=False):
        share = send(author, child, other)  # shared on 15 November
    with time_machine.travel(NOW, tick=False):
        yield {"author": author, "child": child, "share": share}


def days_ago(n: int) -> str:
    return (TODAY - datetime.timedelta(days=n)).isoformat()


def post(sent, client=None, **overrides):
    """Record informing through the API (as the sender, with a new token unless given)."""
    body = {
        "outcome": "informed",
        "informed_on": TODAY.isoformat(),
        "method": "phone",
        "told_person_id": str(sent["child"].pk),
    }
    body.update(overrides)
    return (client or token_client(sent["author"])).post(
        f"/api/v1/subject-notifications/shares/{sent['share'].pk}",
        body,
        content_type="application/json",
    )


def test_told_on_an_earlier_day_is_recorded_with_its_reason_and_both_dates(sent):
    response = post(
        sent,
        informed_on=days_ago(3),
        backdating_reason="other",
        backdating_explanation="Told at the home visit; the form was on paper",
    )
    assert response.status_code == 201, response.content
    assert response.json()["backdating_reason"] == "other"
    notification = SubjectNotification.objects.get()
    text = open_text(
        sent["child"],
        record_id=notification.pk,
        field="backdating_explanation",
        blob=notification.backdating_explanation_enc,
    )
    assert text == "Told at the home visit; the form was on paper"
    entry = last_entry()
    assert entry.kind == "subject.informed"
    assert entry.payload["informed_on"] == "2026-11-22"
    assert entry.payload["recorded_at"] == "2026-11-25T10:00:00+00:00"
    assert entry.payload["backdating_reason"] == "other"
    assert "home visit" not in str(entry.payload)


@pytest.mark.parametrize(
    ("overrides", "field", "rule"),
    [
        ({"informed_on": "2026-11-26"}, "informed_on", "date_in_future"),
        ({"informed_on": days_ago(1)}, "backdating_reason", "required"),
        (
            {"informed_on": days_ago(1), "backdating_reason": "nap"},
            "backdating_reason",
            "unknown_code",
        ),
        (
            {"informed_on": days_ago(1), "backdating_reason": "other"},
            "backdating_explanation",
            "required",
        ),
        (
            {"informed_on": days_ago(11), "backdating_reason": "away_from_system"},
            "informed_on",
            "before_share",
        ),
        ({"backdating_reason": "away_from_system"}, "backdating_reason", "not_backdated"),
        (
            {
                "outcome": "not_informed",
                "informed_on": None,
                "method": None,
                "told_person_id": None,
                "reason": "risk_of_harm",
                "backdating_reason": "away_from_system",
            },
            "backdating_reason",
            "not_applicable",
        ),
    ],
    ids=[
        "future",
        "no-reason",
        "unknown-reason",
        "reason-needs-explaining",
        "before-the-share",
        "reason-when-told-today",
        "reason-when-not-told",
    ],
)
def test_a_bad_day_is_a_problem_naming_the_field_and_nothing_is_written(
    sent, overrides, field, rule
):
    client = token_client(sent["author"])  # issuing it is an entry of its own
    entries = Entry.objects.count()
    problem = assert_problem(post(sent, client, **overrides), 422, field)
    assert rule in [e["rule"] for e in problem["errors"] if e["field"] == field]
    assert not SubjectNotification.objects.exists()
    assert Entry.objects.count() == entries


def test_a_day_older_than_the_pack_allows_is_refused_even_after_an_old_share():
    home, other, author, _ = pair()
    with time_machine.travel(NOW - datetime.timedelta(days=60), tick=False):
        child = person_for(author)
        share = send(author, child, other, days=90)
    with time_machine.travel(NOW, tick=False):
        old = {"share": share, "author": author, "child": child}
        kept = post(old, informed_on=days_ago(30), backdating_reason="away_from_system")
        assert kept.status_code == 201, kept.content
        problem = assert_problem(
            post(old, informed_on=days_ago(31), backdating_reason="away_from_system"),
            422,
            "informed_on",
        )
    assert [e["rule"] for e in problem["errors"]] == ["backdating_limit"]


def test_the_page_asks_why_an_earlier_day_is_recorded_only_now(sent):
    client = Client()
    sign_in_verified(client, sent["author"])
    path = f"/exchange/informing/{sent['share'].pk}/?outcome=informed"
    yesterday = TODAY - datetime.timedelta(days=1)
    form = {
        "informed_on-day": yesterday.day,
        "informed_on-month": yesterday.month,
        "informed_on-year": yesterday.year,
        "method": "in_person",
        "told_person_id": str(sent["child"].pk),
        "informed_by_id": str(sent["author"].pk),
    }
    page = client.get(path).content.decode()
    assert "why is it recorded only now?" in page
    assert "The system was unavailable when it happened" in page  # the pack's reasons
    refused = client.post(path, form)
    assert refused.status_code == 422
    assert "Say why telling them is recorded later than it happened." in refused.content.decode()
    assert not SubjectNotification.objects.exists()
    unknown = client.post(path, {**form, "backdating_reason": "nap"})
    assert unknown.status_code == 422
    done = client.post(path, {**form, "backdating_reason": "away_from_system"})
    assert done.status_code == 302
    assert SubjectNotification.objects.get().backdating_reason == "away_from_system"
    assert list(subject_tasks_open(sent["author"])) == []
