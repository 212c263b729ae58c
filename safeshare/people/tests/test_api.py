"""The people API's edits of a person's identity: versions (ETag / If-Match), so no
correction is lost when two people edit the same record (issue #11 item 9)."""

import pytest
from django.db import OperationalError

from safeshare.access.tests.helpers import person_for
from safeshare.agencies.models import Role
from safeshare.agencies.tests.factories import staff
from safeshare.api.tests.helpers import assert_problem, two_factor_client
from safeshare.core.errors import VersionConflict
from safeshare.ledger import services as ledger_services
from safeshare.ledger.models import Entry
from safeshare.people.identity import read_identity
from safeshare.people.models import Person
from safeshare.people.services.people import person_update_identity

pytestmark = pytest.mark.django_db


def _identity(person, **changes) -> dict:
    identity = read_identity(person)
    body = {
        "given_name": identity.given_name,
        "family_name": identity.family_name,
        "date_of_birth": identity.date_of_birth.isoformat(),
        "nhs_number": identity.nhs_number,
    }
    body.update(changes)
    return body


def _put(client, person, body, if_match=None):
    headers = {} if if_match is None else {"If-Match": if_match}
    return client.put(
        f"/api/v1/people/{person.id}/identity",
        body,
        content_type="application/json",
        headers=headers,
    )


def _updates(person) -> list[Entry]:
    return list(Entry.objects.filter(kind="person.updated", subject_ref=str(person.id)))


@pytest.fixture
def editors():
    """Two practitioners of one agency, and a child that agency works with."""
    first = staff(Role.PRACTITIONER)
    second = staff(Role.PRACTITIONER, agency=first.agency)
    return two_factor_client(first), two_factor_client(second), person_for(first)


def test_reading_a_person_gives_the_identity_version_as_an_etag(editors):
    client, _, person = editors
    response = client.get(f"/api/v1/people/{person.id}")
    assert response.status_code == 200
    assert response["ETag"] == '"identity-v1"'


def test_the_second_of_two_edits_from_one_version_is_refused_and_the_first_survives(editors):
    first, second, person = editors
    etag = first.get(f"/api/v1/people/{person.id}")["ETag"]
    given = read_identity(person).given_name

    accepted = _put(first, person, _identity(person, family_name="Ashdown"), etag)
    refused = _put(second, person, _identity(person, family_name="Birchley"), etag)

    assert accepted.status_code == 200
    assert accepted["ETag"] == '"identity-v2"'
    body = assert_problem(refused, 412, "family_name")
    assert body["type"] == "urn:safeshare:problem:edit-conflict"
    assert [error["field"] for error in body["errors"]] == ["family_name"]
    assert refused["ETag"] == '"identity-v2"'
    # Field names only: neither value (nor any other identity value) is in the answer.
    text = refused.content.decode()
    assert "Ashdown" not in text and "Birchley" not in text and given not in text
    person.refresh_from_db()
    assert read_identity(person).family_name == "Ashdown"
    assert person.identity_version == 2
    assert [entry.payload for entry in _updates(person)] == [
        {"fields": ["family_name"], "identity_version": 2}
    ]


def test_an_edit_from_the_new_etag_after_a_refusal_succeeds(editors):
    first, second, person = editors
    etag = first.get(f"/api/v1/people/{person.id}")["ETag"]
    _put(first, person, _identity(person, family_name="Ashdown"), etag)
    refused = _put(second, person, _identity(person, given_name="Quillon"), etag)
    assert refused.status_code == 412

    person.refresh_from_db()
    again = _put(second, person, _identity(person, given_name="Quillon"), refused["ETag"])

    assert again.status_code == 200, again.content
    assert again.json()["family_name"] == "Ashdown"
    assert again.json()["given_name"] == "Quillon"
    assert again["ETag"] == '"identity-v3"'
    assert len(_updates(person)) == 2


def test_a_refusal_names_every_field_changed_since_the_version_read(editors):
    first, second, person = editors
    _put(first, person, _identity(person, family_name="Ashdown"), '"identity-v1"')
    person.refresh_from_db()
    _put(first, person, _identity(person, given_name="Quillon"), '"identity-v2"')

    refused = _put(second, person, _identity(person, given_name="Other"), '"identity-v1"')
    stale_by_one = _put(second, person, _identity(person, given_name="Other"), '"identity-v2"')

    assert [e["field"] for e in assert_problem(refused, 412)["errors"]] == [
        "given_name",
        "family_name",
    ]
    assert [e["field"] for e in assert_problem(stale_by_one, 412)["errors"]] == ["given_name"]


def test_an_edit_without_if_match_is_428_and_changes_nothing(editors):
    client, _, person = editors
    before = (person.identity_version, Entry.objects.count())
    for if_match in (None, "", "*"):
        response = _put(client, person, _identity(person, family_name="Ashdown"), if_match)
        body = assert_problem(response, 428, "If-Match")
        assert body["type"] == "urn:safeshare:problem:precondition-required"
    person.refresh_from_db()
    assert (person.identity_version, Entry.objects.count()) == before
    assert read_identity(person).family_name != "Ashdown"


@pytest.mark.parametrize(
    "if_match",
    ['"identity-v9"', "identity-v1", 'W/"identity-v1"', '"identity-v1", "identity-v2"', '"x"'],
)
def test_an_if_match_that_is_not_the_current_version_is_412_and_changes_nothing(editors, if_match):
    client, _, person = editors
    before = Entry.objects.count()
    response = _put(client, person, _identity(person, family_name="Ashdown"), if_match)
    body = assert_problem(response, 412)
    assert response["ETag"] == '"identity-v1"'
    assert body["errors"][0]["field"] in {"If-Match"}
    person.refresh_from_db()
    assert person.identity_version == 1 and Entry.objects.count() == before


def test_a_hidden_person_is_404_before_the_version_is_asked_for():
    author = staff(Role.PRACTITIONER)
    outsider = two_factor_client(staff(Role.PRACTITIONER))
    person = person_for(author)
    response = _put(outsider, person, _identity(person, family_name="Ashdown"))
    assert_problem(response, 404)


def test_an_edit_that_changes_nothing_keeps_the_version(editors):
    client, _, person = editors
    response = _put(client, person, _identity(person), '"identity-v1"')
    assert response.status_code == 200
    assert response["ETag"] == '"identity-v1"'
    assert _updates(person) == []


def test_the_service_compares_and_sets_against_the_locked_row():
    """A caller's copy read before another correction cannot overwrite it."""
    author = staff(Role.PRACTITIONER)
    person = person_for(author)
    stale_copy = Person.objects.get(pk=person.pk)
    person_update_identity(actor=author, person=person, family_name="Ashdown", expected_version=1)

    with pytest.raises(VersionConflict) as conflict:
        person_update_identity(
            actor=author, person=stale_copy, given_name="Quillon", expected_version=1
        )

    assert conflict.value.changed == ["family_name"]
    assert conflict.value.current_version == 2
    person.refresh_from_db()
    assert read_identity(person).family_name == "Ashdown"
    assert read_identity(person).given_name != "Quillon"


def test_an_edit_whose_ledger_append_fails_is_a_503_and_keeps_the_identity(editors, monkeypatch):
    client, _, person = editors
    family = read_identity(person).family_name
    entries = Entry.objects.count()

    def busy(connection, fields, *, own_transaction):
        import sqlite3

        cause = sqlite3.OperationalError("database is locked")
        raise OperationalError(str(cause)) from cause

    with monkeypatch.context() as patch:
        patch.setattr(ledger_services, "_write", busy)
        response = _put(client, person, _identity(person, family_name="Ashdown"), '"identity-v1"')

    assert_problem(response, 503)
    assert response["Retry-After"] == "5"
    person.refresh_from_db()
    assert read_identity(person).family_name == family
    assert person.identity_version == 1 and Entry.objects.count() == entries
    again = _put(client, person, _identity(person, family_name="Ashdown"), '"identity-v1"')
    assert again.status_code == 200
