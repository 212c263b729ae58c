import datetime
import hashlib
import json
import uuid

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import IntegrityError, connection, transaction

from safeshare.core.errors import AccessAttempt, LedgerUnavailable
from safeshare.ledger.canonical import GENESIS_HASH
from safeshare.ledger.kinds import EntryKind
from safeshare.ledger.models import Checkpoint, Entry
from safeshare.ledger.services import (
    actor_ref_for,
    checkpoint_export,
    checkpoint_write,
    ledger_append,
    refusal_record,
)

pytestmark = pytest.mark.django_db

SUBJECT = str(uuid.UUID(int=7))


def append(**overrides):
    fields = {
        "kind": EntryKind.PERSON_CREATED,
        "actor_ref": "system:test",
        "agency_ref": str(uuid.UUID(int=1)),
        "subject_ref": SUBJECT,
        "payload": {"fields": ["name", "date_of_birth"]},
    }
    fields.update(overrides)
    return ledger_append(**fields)


def test_first_entry_follows_the_genesis_hash():
    entry = append()

    assert entry.seq == 1
    assert entry.prev_hash == GENESIS_HASH
    assert entry.hash == hashlib.sha256(GENESIS_HASH.encode() + entry.canonical).hexdigest()


def test_each_entry_names_its_predecessors_hash():
    first, second, third = append(), append(), append()

    assert [second.seq, third.seq] == [2, 3]
    assert second.prev_hash == first.hash
    assert third.prev_hash == second.hash


@time_machine.travel("2026-03-01T09:30:00.000001+00:00", tick=False)
def test_canonical_bytes_are_sorted_compact_utf8_json_of_the_entry():
    entry = append(payload={"z": 1, "a": "café"}, agency_ref=None)

    assert (
        entry.canonical
        == (
            '{"actor_ref":"system:test","agency_ref":null,"kind":"person.created",'
            '"payload":{"a":"café","z":1},"recorded_at":"2026-03-01T09:30:00.000001Z",'
            f'"seq":1,"subject_ref":"{SUBJECT}"}}'
        ).encode()
    )


def test_stored_row_matches_what_append_returned():
    entry = append(payload={"n": 3})

    stored = Entry.objects.get(seq=entry.seq)
    assert bytes(stored.canonical) == entry.canonical
    assert (stored.hash, stored.prev_hash) == (entry.hash, entry.prev_hash)
    assert stored.payload == {"n": 3}
    assert stored.recorded_at == entry.recorded_at
    assert json.loads(bytes(stored.canonical))["seq"] == 1


def test_append_joins_the_callers_transaction():
    with pytest.raises(RuntimeError), transaction.atomic():
        append()
        raise RuntimeError("the write being recorded failed")

    assert not Entry.objects.exists()


def test_unknown_kind_is_refused():
    with pytest.raises(ValidationError) as error:
        append(kind="person.teleported")

    assert "kind" in error.value.message_dict
    assert not Entry.objects.exists()


@pytest.mark.parametrize("actor_ref", ["", "user:", "bob", "admin:1", None])
def test_actor_must_be_a_user_or_system_reference(actor_ref):
    with pytest.raises(ValidationError) as error:
        append(actor_ref=actor_ref)

    assert "actor_ref" in error.value.message_dict


def _nested(depth):
    value = 1
    for _ in range(depth):
        value = [value]
    return value


@pytest.mark.parametrize(
    "payload",
    [
        {"when": datetime.date(2026, 1, 1)},
        {"amount": 1.5},
        {"ids": {1, 2}},
        {"pair": (1, 2)},
        {1: "integer key"},
        {"raw": b"bytes"},
        {"big": 2**53},
        {"nul": "a\x00b"},
        {"surrogate": "\ud800"},
        ["not", "an", "object"],
        {"deep": _nested(5000)},
    ],
)
def test_payload_with_a_non_json_value_is_refused(payload):
    with pytest.raises(ValidationError) as error:
        append(payload=payload)

    assert "payload" in error.value.message_dict
    assert not Entry.objects.exists()


def test_actor_ref_for_a_user_is_user_colon_uuid(django_user_model):
    user = django_user_model.objects.create(username="someone")

    assert actor_ref_for(user) == f"user:{user.pk}"


def _refuse(sql):
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(sql)


def test_database_refuses_update_of_an_entry():
    append()

    _refuse("UPDATE ledger_entry SET kind = 'person.updated' WHERE seq = 1")

    assert Entry.objects.get(seq=1).kind == EntryKind.PERSON_CREATED


def test_database_refuses_delete_of_an_entry():
    append()

    _refuse("DELETE FROM ledger_entry WHERE seq = 1")

    assert Entry.objects.count() == 1


def test_orm_update_and_delete_are_refused_too():
    entry = append()

    with pytest.raises(IntegrityError), transaction.atomic():
        Entry.objects.filter(seq=entry.seq).update(actor_ref="system:other")
    with pytest.raises(IntegrityError), transaction.atomic():
        Entry.objects.filter(seq=entry.seq).delete()

    assert Entry.objects.get(seq=entry.seq).actor_ref == "system:test"


def test_database_refuses_update_and_delete_of_a_checkpoint(signing_key_file):
    checkpoint_write(actor_ref="system:test")

    _refuse("UPDATE ledger_checkpoint SET seq = 0")
    _refuse("DELETE FROM ledger_checkpoint")

    assert Checkpoint.objects.count() == 1


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_postgresql_refuses_truncate():
    append()

    _refuse("TRUNCATE ledger_entry")


def test_database_refuses_a_fork_of_the_chain():
    first = append()
    append()

    # A second successor of entry 1 (as a racing writer would make) is refused.
    with pytest.raises(IntegrityError, match="prev_hash"), transaction.atomic():
        Entry.objects.create(
            seq=3,
            recorded_at=first.recorded_at,
            actor_ref="system:test",
            kind=EntryKind.PERSON_CREATED,
            payload={},
            canonical=b"{}",
            prev_hash=first.hash,
            hash="f" * 64,
        )


def test_checkpoint_signs_a_checkpoint_entry_at_the_head(signing_key_file):
    append()

    checkpoint = checkpoint_write(actor_ref="system:ledger_checkpoint")

    head = Entry.objects.order_by("-seq").first()
    assert head.kind == EntryKind.LEDGER_CHECKPOINT
    assert (checkpoint.seq, checkpoint.head_hash) == (head.seq, head.hash)
    assert head.payload == {"public_key_id": checkpoint.public_key_id}
    exported = checkpoint_export(checkpoint)
    assert set(exported) == {
        "format",
        "seq",
        "head_hash",
        "time",
        "signature",
        "public_key_id",
        "public_key",
    }
    assert exported["public_key"].startswith("-----BEGIN PUBLIC KEY-----")


def test_checkpoint_without_a_signing_key_is_a_configuration_error(settings):
    settings.SAFESHARE_LEDGER_SIGNING_KEY_FILE = ""

    with pytest.raises(ImproperlyConfigured, match="SAFESHARE_LEDGER_SIGNING_KEY_FILE"):
        checkpoint_write(actor_ref="system:test")

    assert not Entry.objects.exists()
    assert not Checkpoint.objects.exists()


def _make_next_append_collide():
    """Leave a row that already names the head as its predecessor (prev_hash is unique)."""
    from .tamper import execute

    head = Entry.objects.order_by("-seq").first()
    execute(
        "INSERT INTO ledger_entry (seq, recorded_at, actor_ref, kind, payload, canonical, "
        "prev_hash, hash) SELECT 100, recorded_at, actor_ref, kind, payload, canonical, %s, %s "
        "FROM ledger_entry WHERE seq = %s",
        [head.hash, "c" * 64, head.seq],
    )
    execute(
        "INSERT INTO ledger_entry (seq, recorded_at, actor_ref, kind, payload, canonical, "
        "prev_hash, hash) SELECT 50, recorded_at, actor_ref, kind, payload, canonical, %s, %s "
        "FROM ledger_entry WHERE seq = %s",
        ["c" * 64, "d" * 64, head.seq],
    )


def test_a_failed_append_dooms_the_callers_transaction():
    append()
    _make_next_append_collide()

    with transaction.atomic():
        with pytest.raises(LedgerUnavailable) as refused:
            append()
        assert isinstance(refused.value.__cause__, IntegrityError)
        assert refused.value.retryable  # a second successor of the head: a lost race
        assert connection.needs_rollback  # the write it was recording cannot commit alone

    assert Entry.objects.count() == 3


@pytest.mark.django_db(transaction=True)
def test_append_outside_a_transaction_commits_its_own():
    assert not connection.in_atomic_block

    entry = append()

    assert not connection.in_atomic_block
    assert connection.get_autocommit()
    assert Entry.objects.get(seq=entry.seq).hash == entry.hash
    assert append().prev_hash == entry.hash


@pytest.mark.django_db(transaction=True)
def test_a_failed_append_outside_a_transaction_rolls_back_and_leaves_the_connection_usable():
    append()
    _make_next_append_collide()

    with pytest.raises(LedgerUnavailable) as refused:
        append()

    assert isinstance(refused.value.__cause__, IntegrityError)
    assert connection.get_autocommit()
    if connection.vendor == "sqlite":
        assert not connection.connection.in_transaction
    else:
        from psycopg.pq import TransactionStatus

        assert connection.connection.info.transaction_status == TransactionStatus.IDLE
    assert Entry.objects.count() == 3


def test_choices_members_are_plain_strings_in_the_payload():
    entry = append(payload={"kind_changed_to": EntryKind.PERSON_SHREDDED, "count": True})

    assert b'"kind_changed_to":"person.shredded"' in entry.canonical


def test_refusal_record_appends_codes_and_ids_only():
    person_id, request_id = str(uuid.uuid4()), str(uuid.uuid4())
    entry = refusal_record(
        actor_ref="user:" + str(uuid.UUID(int=3)),
        agency_ref=str(uuid.UUID(int=1)),
        attempt=AccessAttempt(
            action="person.view", object_kind="people.person", object_id=person_id
        ),
        operation="api:people_get",
        method="GET",
        status=404,
        request_id=request_id,
    )
    assert entry.kind == EntryKind.ACCESS_REFUSED == "access.refused"
    assert entry.subject_ref is None
    assert entry.payload == {
        "action": "person.view",
        "operation": "api:people_get",
        "method": "GET",
        "object_kind": "people.person",
        "object_id": person_id,
        "object_id_malformed": False,
        "status": 404,
        "request_id": request_id,
    }
    assert Entry.objects.get(seq=entry.seq).hash == entry.hash


def test_refusal_without_an_access_action_names_the_operation():
    entry = refusal_record(
        actor_ref="user:" + str(uuid.UUID(int=3)),
        agency_ref=None,
        attempt=AccessAttempt(),
        operation="people:caseload",
        method="GET",
        status=403,
        request_id=str(uuid.uuid4()),
    )
    assert entry.payload["action"] == "people:caseload"
    assert entry.payload["object_kind"] is None and entry.payload["object_id"] is None
