"""Idempotency-Key on the creating operations: a replay returns the first result and
creates nothing; a key reused for another request is refused (issue #11 item 8)."""

import datetime
import uuid
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client

from safeshare.access.tests.helpers import person_for
from safeshare.agencies.models import Role
from safeshare.agencies.tests.factories import staff
from safeshare.api import idempotency
from safeshare.api.api import api
from safeshare.api.models import ApiToken, IdempotencyKey
from safeshare.api.tests.helpers import assert_problem, token_client, two_factor_client
from safeshare.api.tests.test_ledger_unavailable import _ledger_fork
from safeshare.ledger.models import Entry
from safeshare.people.models import Person, Relationship

pytestmark = pytest.mark.django_db

NEW_PERSON = {
    "kind": "child",
    "given_name": "Saoirse",
    "family_name": "Keytest",
    "date_of_birth": "2016-03-04",
}


def _key() -> str:
    return str(uuid.uuid4())


def _create(client, key, body=None, **headers):
    if key is not None:
        headers["Idempotency-Key"] = key
    return client.post(
        "/api/v1/people", body or NEW_PERSON, content_type="application/json", headers=headers
    )


def _counts() -> tuple[int, int, int]:
    return Person.objects.count(), Entry.objects.count(), IdempotencyKey.objects.count()


@pytest.fixture
def practitioner():
    return staff(Role.PRACTITIONER)


def test_a_replay_returns_the_first_result_and_creates_nothing(practitioner):
    client = token_client(practitioner)
    key = _key()

    first = _create(client, key)
    after_first = _counts()
    replay = _create(client, key)

    assert first.status_code == replay.status_code == 201
    assert replay.content == first.content
    assert replay["Content-Type"] == first["Content-Type"]
    assert replay[idempotency.REPLAYED_HEADER] == "true"
    assert not first.has_header(idempotency.REPLAYED_HEADER)
    assert _counts() == after_first
    person_id = first.json()["id"]
    assert Entry.objects.filter(subject_ref=person_id, kind="person.created").count() == 1


def test_without_a_key_two_requests_create_two_records(practitioner):
    client = token_client(practitioner)
    before = Person.objects.count()
    assert _create(client, None).status_code == _create(client, None).status_code == 201
    assert Person.objects.count() == before + 2
    assert not IdempotencyKey.objects.exists()


def test_the_same_key_with_another_body_is_409_naming_the_header(practitioner):
    client = token_client(practitioner)
    key = _key()
    _create(client, key)
    before = _counts()

    changed = _create(client, key, {**NEW_PERSON, "given_name": "Other"})
    reformatted = client.post(
        "/api/v1/people",
        '{"kind": "child",  "given_name": "Saoirse", "family_name": "Keytest", '
        '"date_of_birth": "2016-03-04"}',
        content_type="application/json",
        headers={"Idempotency-Key": key},
    )

    for response in (changed, reformatted):
        body = assert_problem(response, 409, "Idempotency-Key")
        assert body["type"] == "urn:safeshare:problem:idempotency-key-reused"
        assert "Saoirse" not in response.content.decode()
    assert _counts() == before


def test_the_same_key_for_another_operation_is_409(practitioner):
    client = token_client(practitioner)
    child, parent = person_for(practitioner), person_for(practitioner)
    key = _key()
    _create(client, key)

    response = client.post(
        f"/api/v1/people/{child.id}/relationships",
        {"related_person_id": str(parent.id), "relationship_type": "mother"},
        content_type="application/json",
        headers={"Idempotency-Key": key},
    )

    assert_problem(response, 409, "Idempotency-Key")
    assert not Relationship.objects.exists()


def test_keys_are_scoped_per_user(practitioner):
    colleague = staff(Role.PRACTITIONER, agency=practitioner.agency)
    key = _key()
    mine = _create(token_client(practitioner), key)
    theirs = _create(token_client(colleague), key)
    assert mine.status_code == theirs.status_code == 201
    assert mine.json()["id"] != theirs.json()["id"]
    assert not theirs.has_header(idempotency.REPLAYED_HEADER)


def test_a_quoted_key_is_the_same_key(practitioner):
    client = token_client(practitioner)
    key = _key()
    first = _create(client, key)
    replay = _create(client, f'"{key}"')
    assert replay[idempotency.REPLAYED_HEADER] == "true"
    assert replay.content == first.content


@pytest.mark.parametrize(
    "key",
    ["", "short", "x" * 129, "has spaces in it 1234", "é" * 20, "semi;colon;1234567890", '"'],
)
def test_a_malformed_key_is_400_naming_the_header_and_creates_nothing(practitioner, key):
    client = token_client(practitioner)
    before = _counts()
    response = _create(client, key)
    body = assert_problem(response, 400, "Idempotency-Key")
    assert body["errors"][0]["rule"] == "idempotency_key_format"
    assert _counts() == before


def test_the_key_is_checked_after_sign_in():
    response = _create(Client(), "short")
    assert response.status_code == 401


def test_the_kept_result_is_encrypted_and_the_key_is_a_digest(practitioner):
    client = token_client(practitioner)
    key = _key()
    _create(client, key, {**NEW_PERSON, "nhs_number": "9434765919"})

    record = IdempotencyKey.objects.get()
    stored = bytes(record.response_enc)
    for plain in (b"Saoirse", b"Keytest", b"9434765919", b"2016-03-04"):
        assert plain not in stored
    assert key not in record.key_digest and len(record.key_digest) == 64
    assert record.status == 201 and record.operation_id == "people_create"
    assert record.user == practitioner


def test_an_error_is_not_kept_so_the_key_can_be_sent_again(practitioner):
    client = token_client(practitioner)
    key = _key()
    refused = _create(client, key, {**NEW_PERSON, "date_of_birth": "2999-01-01"})
    assert refused.status_code == 422
    assert not IdempotencyKey.objects.exists()

    # Fixed and sent again with the same key: created, then replayed.
    assert _create(client, key).status_code == 201
    assert _create(client, key)[idempotency.REPLAYED_HEADER] == "true"
    assert Person.objects.count() == 1


def test_a_503_keeps_nothing_and_a_retry_with_the_key_creates_once(practitioner, monkeypatch):
    client = token_client(practitioner)
    person_for(practitioner)
    before = _counts()
    key = _key()

    with monkeypatch.context() as patch:
        _ledger_fork(patch)
        assert _create(client, key).status_code == 503
    assert _counts() == before

    retried = _create(client, key)
    replayed = _create(client, key)
    assert retried.status_code == 201 and replayed[idempotency.REPLAYED_HEADER] == "true"
    assert Person.objects.count() == before[0] + 1


def test_a_concurrent_request_with_the_same_key_is_409_retryable_and_creates_nothing(
    practitioner, monkeypatch
):
    """The second of two concurrent requests did not see the first's row when it looked
    (it was not committed yet); the unique constraint refuses its claim."""
    client = token_client(practitioner)
    key = _key()
    first = _create(client, key)
    before = _counts()

    with monkeypatch.context() as patch:
        patch.setattr(IdempotencyKey.objects, "filter", lambda **kw: IdempotencyKey.objects.none())
        loser = _create(client, key)

    body = assert_problem(loser, 409, "Idempotency-Key")
    assert body["type"] == "urn:safeshare:problem:idempotency-key-in-use"
    assert loser["Retry-After"] == "1"
    assert _counts() == before
    again = _create(client, key)
    assert again[idempotency.REPLAYED_HEADER] == "true" and again.content == first.content


def test_an_expired_key_is_forgotten_on_use(practitioner):
    client = token_client(practitioner)
    key = _key()
    start = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        first = _create(client, key)
    with time_machine.travel(start + datetime.timedelta(hours=23, minutes=59), tick=False):
        assert _create(client, key)[idempotency.REPLAYED_HEADER] == "true"
    with time_machine.travel(start + datetime.timedelta(hours=24, minutes=1), tick=False):
        ApiToken.objects.update(expires_at=start + datetime.timedelta(days=3))
        later = _create(client, key)
    assert later.status_code == 201 and not later.has_header(idempotency.REPLAYED_HEADER)
    assert later.json()["id"] != first.json()["id"]
    assert IdempotencyKey.objects.count() == 1


def test_the_purge_command_deletes_expired_keys_and_records_how_many(practitioner):
    client = token_client(practitioner)
    start = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        _create(client, _key())
        _create(client, _key(), {**NEW_PERSON, "given_name": "Second"})
    with time_machine.travel(start + datetime.timedelta(hours=12), tick=False):
        ApiToken.objects.update(expires_at=start + datetime.timedelta(days=3))
        _create(client, _key(), {**NEW_PERSON, "given_name": "Third"})

    out = StringIO()
    with time_machine.travel(start + datetime.timedelta(hours=25), tick=False):
        call_command("api_purge", stdout=out)

    assert "deleted: 2" in out.getvalue()
    assert IdempotencyKey.objects.count() == 1
    entry = Entry.objects.filter(kind="idempotency_keys.purged").get()
    assert entry.payload == {"deleted": 2}
    assert entry.actor_ref == "system:api_purge"


def test_issuing_a_token_twice_with_one_key_issues_one(practitioner):
    client = two_factor_client(practitioner)
    key = _key()
    body = {"label": "laptop", "days": 1}
    first = client.post(
        "/api/v1/tokens", body, content_type="application/json", headers={"Idempotency-Key": key}
    )
    replay = client.post(
        "/api/v1/tokens", body, content_type="application/json", headers={"Idempotency-Key": key}
    )
    assert first.status_code == replay.status_code == 201
    assert replay.json() == first.json()
    assert ApiToken.objects.filter(user=practitioner, label="laptop").count() == 1
    assert first.json()["token"].encode() not in bytes(IdempotencyKey.objects.get().response_enc)


def test_every_creating_operation_documents_the_header_and_only_those():
    schema = api.get_openapi_schema()
    creating, documented = set(), set()
    for operations in schema["paths"].values():
        for method, operation in operations.items():
            names = {p["name"] for p in operation.get("parameters", [])}
            if method == "post" and 201 in operation["responses"]:
                creating.add(operation["operationId"])
                assert 409 in operation["responses"]
                assert idempotency.REPLAYED_HEADER in operation["responses"][201]["headers"]
            if "Idempotency-Key" in names:
                documented.add(operation["operationId"])
    assert {"people_create", "decisions_record", "exchange_share_send", "tokens_issue"} <= creating
    assert documented == creating
