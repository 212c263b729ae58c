"""A refused ledger append: the change rolls back and the client is asked to retry (503).

Each case makes the real ``ledger_append`` fail the way a database can refuse
it, on a creating operation, on an edit and on a page; nothing is saved, the
answer is a 503 problem (or page) with Retry-After, never a 500, and the next
request succeeds.
"""

import logging
import sqlite3

import pytest
from django.db import OperationalError
from django.test import Client

from safeshare.access.tests.helpers import person_for
from safeshare.agencies.models import Role
from safeshare.agencies.tests.factories import staff
from safeshare.api.tests.helpers import assert_problem, two_factor_client
from safeshare.demo.testing import sign_in_verified
from safeshare.ledger import services as ledger_services
from safeshare.ledger.models import Entry
from safeshare.people.models import Person, Relationship

pytestmark = pytest.mark.django_db

NEW_PERSON = {
    "kind": "child",
    "given_name": "Linnea",
    "family_name": "Ledgertest",
    "date_of_birth": "2016-03-04",
}


def _ledger_busy(monkeypatch) -> None:
    """The insert meets another writer holding the database (SQLite busy): retryable."""
    real_write = ledger_services._write

    def busy(connection, fields, *, own_transaction):
        cause = sqlite3.OperationalError("database is locked")
        raise OperationalError(str(cause)) from cause

    monkeypatch.setattr(ledger_services, "_write", busy)
    return real_write


def _ledger_fork(monkeypatch) -> None:
    """The head read one behind, so the insert names the head's seq and predecessor again:
    the chain's primary key and unique prev_hash refuse it (a lost race: retryable)."""
    behind = f"SELECT seq - 1, prev_hash FROM {ledger_services._TABLE} ORDER BY seq DESC LIMIT 1"
    monkeypatch.setattr(ledger_services, "_HEAD", behind)


def _ledger_table_gone(monkeypatch) -> None:
    """The insert's table is not there: not something a retry mends (critical)."""
    for name in ("_SQLITE_INSERT", "_POSTGRES_INSERT"):
        sql = getattr(ledger_services, name)
        monkeypatch.setattr(ledger_services, name, sql.replace("ledger_entry", "ledger_gone"))


FAILURES = {"busy": _ledger_busy, "fork": _ledger_fork, "table_gone": _ledger_table_gone}


def _assert_ledger_503(response) -> None:
    body = assert_problem(response, 503)
    assert body["type"] == "urn:safeshare:problem:ledger-unavailable"
    assert response["Retry-After"] == "5"
    assert "Ledgertest" not in response.content.decode()


@pytest.mark.parametrize("failure", list(FAILURES))
def test_a_create_whose_ledger_append_fails_is_a_503_and_saves_nothing(monkeypatch, failure):
    author = staff(Role.PRACTITIONER)
    client = two_factor_client(author)
    person_for(author)  # the ledger has a head to race for
    before = (Person.objects.count(), Entry.objects.count())

    with monkeypatch.context() as patch:
        FAILURES[failure](patch)
        response = client.post("/api/v1/people", NEW_PERSON, content_type="application/json")

    _assert_ledger_503(response)
    assert (Person.objects.count(), Entry.objects.count()) == before
    again = client.post("/api/v1/people", NEW_PERSON, content_type="application/json")
    assert again.status_code == 201
    assert Entry.objects.filter(kind="person.created", subject_ref=again.json()["id"]).exists()


def test_a_relationship_whose_ledger_append_fails_is_a_503_and_is_not_recorded(monkeypatch):
    author = staff(Role.PRACTITIONER)
    client = two_factor_client(author)
    child, parent = person_for(author), person_for(author)
    body = {"related_person_id": str(parent.id), "relationship_type": "mother"}
    url = f"/api/v1/people/{child.id}/relationships"
    entries = Entry.objects.count()

    with monkeypatch.context() as patch:
        _ledger_fork(patch)
        response = client.post(url, body, content_type="application/json")

    assert_problem(response, 503)
    assert response["Retry-After"] == "5"
    assert not Relationship.objects.exists()
    assert Entry.objects.count() == entries
    assert client.post(url, body, content_type="application/json").status_code == 201


def test_a_retryable_refusal_is_a_warning_and_damage_is_critical_without_personal_data(
    monkeypatch, caplog
):
    author = staff(Role.PRACTITIONER)
    client = two_factor_client(author)
    person_for(author)

    for failure, level in (("fork", logging.WARNING), ("table_gone", logging.CRITICAL)):
        caplog.clear()
        with monkeypatch.context() as patch, caplog.at_level(logging.WARNING):
            FAILURES[failure](patch)
            response = client.post("/api/v1/people", NEW_PERSON, content_type="application/json")
        assert response.status_code == 503
        ledger_records = [r for r in caplog.records if r.name == "safeshare.ledger.services"]
        assert [r.levelno for r in ledger_records] == [level], failure
        assert "person.created" in ledger_records[0].getMessage()
        assert "Linnea" not in caplog.text and "Ledgertest" not in caplog.text


def test_a_page_whose_ledger_append_fails_is_the_service_unavailable_page(monkeypatch):
    author = staff(Role.PRACTITIONER)
    client = Client(raise_request_exception=False)
    sign_in_verified(client, author)
    person_for(author)
    page_person = {
        "kind": "child",
        "given_name": "Linnea",
        "family_name": "Ledgertest",
        "date_of_birth-day": "4",
        "date_of_birth-month": "3",
        "date_of_birth-year": "2016",
    }
    before = (Person.objects.count(), Entry.objects.count())

    with monkeypatch.context() as patch:
        _ledger_fork(patch)
        response = client.post("/people/add/", page_person)

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    page = response.content.decode()
    assert "Sorry, the service is unavailable" in page
    assert "Ledgertest" not in page
    assert (Person.objects.count(), Entry.objects.count()) == before
    assert client.post("/people/add/", page_person).status_code == 302
