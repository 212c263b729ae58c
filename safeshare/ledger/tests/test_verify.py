import json
import uuid

import pytest

from safeshare.ledger.canonical import chain_hash
from safeshare.ledger.kinds import EntryKind
from safeshare.ledger.models import Entry
from safeshare.ledger.services import checkpoint_export, checkpoint_write, ledger_append
from safeshare.ledger.testing import write_signing_key
from safeshare.ledger.verify import verify_chain

from . import tamper

pytestmark = pytest.mark.django_db


def fill(count: int) -> list[Entry]:
    return [
        ledger_append(
            kind=EntryKind.PERSON_UPDATED,
            actor_ref=f"user:{uuid.UUID(int=n % 3)}",
            agency_ref=str(uuid.UUID(int=100 + n % 2)),
            subject_ref=str(uuid.UUID(int=1000 + n)),
            payload={"fields": ["address"], "n": n, "note": "é"},
        )
        for n in range(count)
    ]


def assert_broken_at(result, seq, *words):
    assert not result.ok
    assert result.bad_seq == seq, result.reason
    for word in words:
        assert word in result.reason
    assert str(result).startswith(f"ledger broken at entry {seq}: ")


def test_empty_ledger_is_intact():
    result = verify_chain(checkpoint=None)

    assert result.ok
    assert (result.entries, result.head_seq) == (0, 0)


def test_clean_ledger_is_intact():
    entries = fill(12)

    result = verify_chain(checkpoint=None, chunk_size=5)

    assert result.ok
    assert (result.entries, result.head_seq, result.head_hash) == (12, 12, entries[-1].hash)
    assert str(result) == f"ledger intact: 12 entries, head {entries[-1].hash}"


def test_progress_is_reported_up_to_the_total():
    fill(7)
    calls = []

    verify_chain(checkpoint=None, chunk_size=3, progress=lambda done, total: calls.append(done))

    assert calls == [3, 6, 7]


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("kind", EntryKind.PERSON_SHREDDED.value),
        ("actor_ref", "system:someone-else"),
        ("agency_ref", None),
        ("subject_ref", str(uuid.UUID(int=9))),
        ("payload", {"fields": ["address"], "n": 4, "note": "e"}),
    ],
)
def test_an_edited_column_is_detected(column, value):
    fill(8)

    tamper.set_column(4, column, value)

    assert_broken_at(verify_chain(checkpoint=None, chunk_size=3), 4, "altered", column)


def test_an_edited_time_is_detected():
    entries = fill(5)

    tamper.execute(
        "UPDATE ledger_entry SET recorded_at = (SELECT recorded_at FROM ledger_entry WHERE seq = 1)"
        " WHERE seq = 3"
    )

    assert entries[0].recorded_at != entries[2].recorded_at
    assert_broken_at(verify_chain(checkpoint=None), 3, "recorded_at")


def test_edited_canonical_bytes_are_detected():
    entries = fill(5)

    tamper.set_column(2, "canonical", entries[1].canonical.replace(b'"n":1', b'"n":7'))

    assert_broken_at(verify_chain(checkpoint=None), 2, "hash does not match")


def test_an_edited_hash_is_detected():
    fill(5)

    tamper.set_column(5, "hash", "a" * 64)

    assert_broken_at(verify_chain(checkpoint=None), 5, "hash does not match")


def test_an_entry_rewritten_and_rehashed_alone_breaks_the_link_to_the_next():
    fill(6)
    entry = Entry.objects.get(seq=3)

    tamper.write_row(entry, tamper.record_of(entry, kind="person.shredded"), entry.prev_hash)

    assert_broken_at(verify_chain(checkpoint=None), 4, "does not follow")


def test_a_deleted_entry_is_detected():
    fill(8)

    tamper.delete(5)

    assert_broken_at(verify_chain(checkpoint=None, chunk_size=4), 5, "missing", "deleted")


def test_a_deleted_first_entry_is_detected():
    fill(3)

    tamper.delete(1)

    assert_broken_at(verify_chain(checkpoint=None), 1, "missing")


def test_an_inserted_entry_is_detected():
    fill(6)

    tamper.insert_before(3)

    assert Entry.objects.get(seq=3).payload == {"forged": True}
    assert Entry.objects.count() == 7
    assert_broken_at(verify_chain(checkpoint=None), 4, "altered")


def test_an_entry_appended_behind_the_ledgers_back_is_detected():
    entries = fill(3)
    forged = tamper.record_of(entries[-1], seq=4, payload={"forged": True})

    tamper.write_row(entries[-1], forged, "b" * 64, insert=True)

    assert_broken_at(verify_chain(checkpoint=None), 4, "does not follow")


def test_reordered_entries_are_detected():
    fill(6)

    tamper.swap(2, 3)

    assert_broken_at(verify_chain(checkpoint=None), 2, "altered", "seq")


def test_a_fully_rehashed_rewrite_passes_without_a_checkpoint():
    # The reason checkpoints exist: a consistent rewrite needs an outside anchor.
    fill(6)

    tamper.rewrite_from(3, kind="person.shredded")

    assert verify_chain(checkpoint=None).ok


def test_rewrite_behind_an_exported_checkpoint_is_detected(signing_key_file):
    fill(6)
    exported = checkpoint_export(checkpoint_write(actor_ref="system:test"))
    fill(2)

    tamper.rewrite_from(3, kind="person.shredded")

    assert_broken_at(verify_chain(checkpoint=exported), 7, "checkpoint", "rewritten")


def test_truncation_behind_an_exported_checkpoint_is_detected(signing_key_file):
    fill(6)
    exported = checkpoint_export(checkpoint_write(actor_ref="system:test"))
    assert exported["seq"] == 7
    fill(2)

    tamper.delete_after(5)

    result = verify_chain(checkpoint=exported)
    assert_broken_at(result, 6, "ends at entry 5", "covers entry 7", "removed from the end")
    assert result.entries == 5


def test_truncation_behind_a_stored_checkpoint_is_detected(signing_key_file):
    fill(4)
    checkpoint_write(actor_ref="system:test")

    tamper.delete(5)

    assert_broken_at(verify_chain(checkpoint=None), 5, "stored checkpoint", "removed")


def test_a_matching_exported_checkpoint_passes(signing_key_file):
    fill(4)
    exported = checkpoint_export(checkpoint_write(actor_ref="system:test"))
    fill(3)

    result = verify_chain(checkpoint=json.loads(json.dumps(exported)))

    assert result.ok
    assert result.entries == 8


@pytest.mark.parametrize(
    ("field", "value"),
    [("head_hash", "c" * 64), ("seq", 2), ("time", "2020-01-01T00:00:00.000000Z")],
)
def test_a_forged_checkpoint_is_rejected(signing_key_file, field, value):
    fill(4)
    exported = checkpoint_export(checkpoint_write(actor_ref="system:test"))

    exported[field] = value

    result = verify_chain(checkpoint=exported)
    assert not result.ok
    assert result.bad_seq is None
    assert "signature does not verify" in result.reason
    assert str(result).startswith("ledger not verified: ")


def test_a_checkpoint_signed_by_another_key_is_rejected(signing_key_file, settings, tmp_path):
    fill(4)
    ours = checkpoint_export(checkpoint_write(actor_ref="system:test"))
    other_key = tmp_path / "other.pem"
    write_signing_key(other_key)
    settings.SAFESHARE_LEDGER_SIGNING_KEY_FILE = str(other_key)
    theirs = checkpoint_export(checkpoint_write(actor_ref="system:test"))
    settings.SAFESHARE_LEDGER_SIGNING_KEY_FILE = str(signing_key_file)

    assert verify_chain(checkpoint=ours).ok
    result = verify_chain(checkpoint=theirs)
    assert not result.ok
    assert "untrusted key" in result.reason


def test_a_checkpoint_cannot_be_trusted_without_a_configured_key(signing_key_file, settings):
    fill(2)
    exported = checkpoint_export(checkpoint_write(actor_ref="system:test"))
    settings.SAFESHARE_LEDGER_SIGNING_KEY_FILE = ""

    result = verify_chain(checkpoint=exported)

    assert not result.ok
    assert "no trusted key" in result.reason
    assert verify_chain(checkpoint=exported, trusted_key_ids={exported["public_key_id"]}).ok


@pytest.mark.parametrize("document", [{}, {"seq": 1}, [], {"format": "x"}])
def test_a_malformed_checkpoint_is_rejected(signing_key_file, document):
    result = verify_chain(checkpoint=document)

    assert not result.ok
    assert "not a ledger checkpoint" in result.reason


def test_a_stored_checkpoint_with_a_bad_signature_is_detected(signing_key_file):
    fill(3)
    checkpoint_write(actor_ref="system:test")

    tamper.execute("UPDATE ledger_checkpoint SET head_hash = %s", ["d" * 64])

    result = verify_chain(checkpoint=None)
    assert not result.ok
    assert "bad signature" in result.reason


def test_hashed_bytes_that_are_not_json_are_reported_not_crashed():
    fill(4)
    entry = Entry.objects.get(seq=2)
    garbage = b"\xff\xfe not json"

    tamper.execute(
        "UPDATE ledger_entry SET canonical = %s, hash = %s WHERE seq = 2",
        [garbage, chain_hash(entry.prev_hash, garbage)],
    )

    assert_broken_at(verify_chain(checkpoint=None), 2, "altered")


def test_the_same_json_spelt_differently_in_the_payload_column_is_not_a_change():
    fill(3)
    entry = Entry.objects.get(seq=2)

    tamper.execute(
        "UPDATE ledger_entry SET payload = %s WHERE seq = 2",
        [json.dumps(entry.payload, indent=2, sort_keys=False)],
    )

    assert verify_chain(checkpoint=None).ok
