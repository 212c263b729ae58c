"""Tampering behind the application's back is detected or refused (issue #6 item 6).

Each test builds a small partnership through the real services (people, a
decision, shares, their ledger entries), then alters the database the way
someone with direct access would: raw SQL, no services, the ledger's
append-only triggers dropped (SQLite) or disabled (PostgreSQL) first
(``append_only_suspended``). Each case asserts the change is refused (a
trigger, a failed decryption) or detected (``safeshare ledger verify`` names the
first bad entry; ``--records`` names the share that disagrees with its
receipt). docs/reliability.md, "Tampering", lists every case. Runs on SQLite
and on PostgreSQL; TRUNCATE exists only on PostgreSQL.
"""

import io
import json
import logging
import uuid

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse

from safeshare.access.tests.helpers import person_for
from safeshare.agencies.models import Role
from safeshare.agencies.tests.factories import AgencyFactory, staff
from safeshare.casework.integrity import RECORD_CHECKS
from safeshare.core import crypto
from safeshare.core.sealed import UNREADABLE_TEXT
from safeshare.demo.testing import sign_in_verified
from safeshare.exchange import integrity, selectors
from safeshare.exchange.models import Share, ShareItem, ShareRecipient
from safeshare.exchange.tests.helpers import item, raise_request, send
from safeshare.ledger.models import Entry
from safeshare.ledger.records import verify_records
from safeshare.ledger.services import checkpoint_export, checkpoint_write
from safeshare.ledger.testing import append_only_suspended
from safeshare.people.identity import UNREADABLE, data_key, field_aad, read_identity
from safeshare.people.models import Person

from . import tamper

pytestmark = pytest.mark.django_db

ENTRY = Entry._meta.db_table
CHECKPOINT = "ledger_checkpoint"


# --- the world and the hostile DBA -------------------------------------------------------


@pytest.fixture
def world():
    """Three agencies; two children known to the first; a share to the second about each."""
    home, other, third = AgencyFactory(), AgencyFactory(), AgencyFactory()
    sender = staff(Role.PRACTITIONER, agency=home)
    recipient = staff(Role.PRACTITIONER, agency=other)
    outsider = staff(Role.PRACTITIONER, agency=third)
    first, second = person_for(sender), person_for(sender)
    share = send(sender, first, other, items=[item(1), item(2)])
    other_share = send(sender, second, other)
    request = raise_request(sender, second, third)
    return {
        "home": home,
        "other": other,
        "third": third,
        "sender": sender,
        "recipient": recipient,
        "outsider": outsider,
        "first": first,
        "second": second,
        "share": share,
        "other_share": other_share,
        "request_share": request.identity_share,
    }


def dba(sql: str, params: list | None = None) -> None:
    """Run raw SQL as a DBA would: straight to the driver, the ledger's triggers lifted."""
    with append_only_suspended(), connection.cursor() as cursor:
        cursor.execute(sql, params or [])


def db_id(value) -> object:
    """A UUID as the database stores it (hex text on SQLite, uuid on PostgreSQL)."""
    return Share._meta.pk.get_db_prep_value(value, connection)


def verify(*args: str) -> tuple[int, str, str]:
    """Run `safeshare ledger verify` and return (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("ledger_verify", "--no-progress", *args, stdout=out, stderr=err)
        status = 0
    except SystemExit as exit:
        status = exit.code
    return status, out.getvalue(), err.getvalue()


def export_checkpoint(tmp_path) -> str:
    path = tmp_path / "checkpoint.json"
    path.write_text(json.dumps(checkpoint_export(checkpoint_write(actor_ref="system:test"))))
    return str(path)


def head() -> int:
    return Entry.objects.order_by("-seq").values_list("seq", flat=True).first()


def test_the_untouched_world_verifies_with_its_records(world):
    status, out, err = verify("--records")

    assert status == 0, err
    assert f"ledger intact: {head()} entries" in out
    assert "shares agree with the ledger: 3 checked" in out


# --- the database refuses: the append-only triggers --------------------------------------


@pytest.mark.parametrize(
    "sql",
    [
        f"UPDATE {ENTRY} SET kind = 'person.shredded' WHERE seq = 2",
        f"UPDATE {ENTRY} SET seq = seq + 1000",
        f"DELETE FROM {ENTRY} WHERE seq = 2",
        # No WHERE: SQLite's "truncate optimisation" is off for a table with triggers.
        f"DELETE FROM {ENTRY}",
        f"UPDATE {CHECKPOINT} SET head_hash = 'x'",
        f"DELETE FROM {CHECKPOINT}",
    ],
)
def test_the_database_refuses_changes_while_the_triggers_stand(world, signing_key_file, sql):
    checkpoint_write(actor_ref="system:test")
    before = list(Entry.objects.values_list("seq", "hash"))

    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)

    assert list(Entry.objects.values_list("seq", "hash")) == before


@pytest.mark.parametrize("table", [ENTRY, CHECKPOINT])
def test_postgresql_refuses_truncate_while_the_triggers_stand(world, table):
    if connection.vendor != "postgresql":
        pytest.skip("TRUNCATE exists only on PostgreSQL")
    count = Entry.objects.count()

    with pytest.raises(DatabaseError, match="append-only: TRUNCATE"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {table}")

    assert Entry.objects.count() == count


# --- the ledger altered with the triggers lifted: verify names the first bad entry -------


def _sent_entry(share: Share) -> Entry:
    return Entry.objects.get(seq=share.sent_entry_seq)


def _assert_broken(seq: int, *words: str, args: tuple[str, ...] = ()) -> str:
    status, out, err = verify(*args)
    assert status == 1, out
    assert f"ledger broken at entry {seq}: " in err
    for word in words:
        assert word in err
    return err


def test_an_edited_entry_is_named(world):
    entry = _sent_entry(world["share"])
    forged = dict(entry.payload, recipients=[str(world["third"].pk)])

    dba(f"UPDATE {ENTRY} SET payload = %s WHERE seq = %s", [json.dumps(forged), entry.seq])

    _assert_broken(entry.seq, "stored columns differ", "payload", "altered")


def test_an_edited_and_rehashed_entry_breaks_the_next_link(world):
    entry = _sent_entry(world["share"])
    record = tamper.record_of(entry, payload=dict(entry.payload, kind="exchange"))

    tamper.write_row(entry, record, entry.prev_hash)

    _assert_broken(entry.seq + 1, "does not follow the previous entry")


def test_a_rewritten_and_rehashed_tail_is_caught_by_an_exported_checkpoint(
    world, signing_key_file, tmp_path
):
    exported = export_checkpoint(tmp_path)
    entry = _sent_entry(world["share"])

    # Rewrite the share's entry and re-hash every later one; drop the stored checkpoint.
    tamper.rewrite_from(entry.seq, payload=dict(entry.payload, recipients=[]))
    dba(f"DELETE FROM {CHECKPOINT}")

    status, _, _ = verify()
    assert status == 0  # a consistent rewrite needs an outside anchor...
    # ...which the agencies hold: the checkpoint exported before the rewrite.
    _assert_broken(head(), "differs from the signed checkpoint", args=("--checkpoint", exported))


def test_a_deleted_entry_is_named(world):
    seq = _sent_entry(world["share"]).seq

    dba(f"DELETE FROM {ENTRY} WHERE seq = %s", [seq])

    _assert_broken(seq, "missing", "deleted")


def test_an_inserted_entry_is_named(world):
    seq = _sent_entry(world["share"]).seq

    tamper.insert_before(seq)

    assert Entry.objects.get(seq=seq).payload == {"forged": True}
    _assert_broken(seq + 1, "altered")


def test_an_entry_appended_with_a_made_up_link_is_named(world):
    last = Entry.objects.get(seq=head())

    tamper.write_row(last, tamper.record_of(last, seq=last.seq + 1), "f" * 64, insert=True)

    _assert_broken(last.seq + 1, "does not follow")


def test_reordered_entries_are_named(world):
    seq = _sent_entry(world["share"]).seq

    tamper.swap(seq - 1, seq)

    _assert_broken(seq - 1, "altered", "seq")


def _truncate(*tables: str, after: int = 0) -> None:
    for table in tables:
        if connection.vendor == "postgresql" and after == 0:
            dba(f"TRUNCATE {table}")
        else:
            dba(f"DELETE FROM {table} WHERE seq > %s", [after])


def test_a_truncated_tail_is_caught_by_the_stored_checkpoint(world, signing_key_file):
    checkpoint_write(actor_ref="system:test")
    keep = _sent_entry(world["share"]).seq

    _truncate(ENTRY, after=keep)

    _assert_broken(keep + 1, "stored checkpoint", "removed from the end")


def test_a_ledger_truncated_with_its_checkpoints_is_caught_by_the_exported_one(
    world, signing_key_file, tmp_path
):
    exported = export_checkpoint(tmp_path)

    _truncate(ENTRY, CHECKPOINT)

    assert Entry.objects.count() == 0
    assert verify()[0] == 0  # an empty ledger is consistent with itself...
    # ...but not with the checkpoint an agency kept, nor with the shares' receipts.
    err = _assert_broken(1, "ends at entry 0", args=("--checkpoint", exported, "--records"))
    assert "shares disagree with the ledger: 3 of 3" in err
    assert f"share {world['share'].pk} disagrees with ledger entry" in err
    assert "which is not in the ledger" in err


# --- an encrypted field moved to another person: decryption refuses ----------------------


def test_a_name_swapped_between_two_people_reads_as_tampered_not_as_the_other(world, caplog):
    first, second = world["first"], world["second"]
    theirs = read_identity(Person.objects.get(pk=second.pk))
    table = Person._meta.db_table

    dba(
        f"UPDATE {table} SET given_name_enc = (SELECT given_name_enc FROM {table} WHERE id = %s)"
        " WHERE id = %s",
        [db_id(second.pk), db_id(first.pk)],
    )

    moved = Person.objects.get(pk=first.pk)
    # The crypto layer itself refuses: the associated data binds person and field.
    with pytest.raises(crypto.DecryptionError, match="failed authentication"):
        crypto.decrypt_field(
            data_key(moved), bytes(moved.given_name_enc), aad=field_aad(moved.pk, "given_name")
        )
    with caplog.at_level(logging.ERROR, logger="safeshare.people.identity"):
        assert read_identity(moved) is UNREADABLE
    assert f"Identity of person {first.pk} failed its integrity check" in caplog.text
    client = Client()
    sign_in_verified(client, world["sender"])
    page = client.get(reverse("people:detail", args=[first.pk])).content.decode()
    assert "Erased (the record failed its integrity check)" in page
    assert theirs.given_name not in page


def test_a_whole_encrypted_identity_swapped_with_its_key_still_fails(world):
    first, second = world["first"], world["second"]
    table = Person._meta.db_table
    columns = ("wrapped_key", "given_name_enc", "family_name_enc", "date_of_birth_enc")
    assignments = ", ".join(f"{c} = (SELECT {c} FROM {table} WHERE id = %s)" for c in columns)

    dba(
        f"UPDATE {table} SET {assignments} WHERE id = %s",
        [db_id(second.pk)] * len(columns) + [db_id(first.pk)],
    )

    moved = Person.objects.get(pk=first.pk)
    with pytest.raises(crypto.DecryptionError, match="data key failed authentication"):
        data_key(moved)
    assert read_identity(moved) is UNREADABLE


def test_a_shared_item_moved_to_another_share_reads_as_tampered(world):
    share, other_share = world["share"], world["other_share"]
    table = ShareItem._meta.db_table
    theirs = ShareItem.objects.get(share=other_share)

    dba(
        f"UPDATE {table} SET content_enc = %s WHERE share_id = %s AND position = 1",
        [bytes(theirs.content_enc), db_id(share.pk)],
    )

    items = selectors.share_items(Share.objects.get(pk=share.pk), for_sender=True)
    assert items[0].content == UNREADABLE_TEXT
    assert items[1].content == "Item content 2"


# --- a share's rows changed: its receipt entry disagrees ---------------------------------


def _records_fail(share: Share, *words: str) -> None:
    fresh = Share.objects.get(pk=share.pk)
    check = integrity.share_record_check(fresh)
    assert not check.ok
    for word in words:
        assert word in check.reason
    [report] = [r for r in verify_records(RECORD_CHECKS) if r.name == "shares"]
    assert report.bad == 1
    assert report.problems[0].record == f"share {share.pk}"
    status, out, err = verify("--records")
    assert status == 1
    assert "ledger intact" in out  # the chain is untouched; only the records give it away
    entry = f"ledger entry {check.seq}" if check.seq is not None else "the ledger"
    assert f"share {share.pk} disagrees with {entry}: {check.reason}" in err


def test_a_share_moved_to_another_recipient_is_detected(world):
    share, third = world["share"], world["third"]

    dba(
        f"UPDATE {ShareRecipient._meta.db_table} SET agency_id = %s WHERE share_id = %s",
        [db_id(third.pk), db_id(share.pk)],
    )

    _records_fail(share, "moved to another recipient")
    # The new "recipient" is warned on the share's page, and so is the sender.
    for user in (world["outsider"], world["sender"]):
        client = Client()
        sign_in_verified(client, user)
        response = client.get(reverse("exchange:share_detail", args=[share.pk]))
        assert response.status_code == 200
        assert "This share does not match its ledger receipt" in response.content.decode()


def test_a_request_identity_share_moved_to_another_agency_is_detected(world):
    share = world["request_share"]

    dba(
        f"UPDATE {ShareRecipient._meta.db_table} SET agency_id = %s WHERE share_id = %s",
        [db_id(world["other"].pk), db_id(share.pk)],
    )

    _records_fail(share, "moved to another recipient")


def test_a_recipient_added_to_a_share_is_detected(world):
    share = world["share"]

    dba(
        f"INSERT INTO {ShareRecipient._meta.db_table} (id, created_at, updated_at, share_id,"
        " agency_id) SELECT %s, created_at, updated_at, share_id, %s"
        f" FROM {ShareRecipient._meta.db_table} WHERE share_id = %s",
        [db_id(uuid.uuid4()), db_id(world["third"].pk), db_id(share.pk)],
    )

    _records_fail(share, "recipients differ")


def test_an_item_removed_from_a_share_is_detected(world):
    share = world["share"]

    dba(
        f"DELETE FROM {ShareItem._meta.db_table} WHERE share_id = %s AND position = 2",
        [db_id(share.pk)],
    )

    _records_fail(share, "items differ")


def test_a_share_moved_to_another_child_is_detected(world):
    share = world["share"]

    dba(
        f"UPDATE {Share._meta.db_table} SET subject_id = %s WHERE id = %s",
        [db_id(world["second"].pk), db_id(share.pk)],
    )

    _records_fail(share, "moved to another person")


def test_a_share_given_another_shares_receipt_is_detected(world):
    share, other_share = world["share"], world["other_share"]

    dba(
        f"UPDATE {Share._meta.db_table} SET sent_entry_seq = %s, sent_entry_hash = %s"
        " WHERE id = %s",
        [other_share.sent_entry_seq, other_share.sent_entry_hash, db_id(share.pk)],
    )

    _records_fail(share, "records another share")


def test_a_widened_access_window_is_detected(world):
    share = world["share"]

    dba(
        f"UPDATE {Share._meta.db_table} SET access_until = %s WHERE id = %s",
        [
            connection.ops.adapt_datetimefield_value(
                share.access_until.replace(year=share.access_until.year + 1)
            ),
            db_id(share.pk),
        ],
    )

    _records_fail(share, "access window")


def test_a_share_with_no_receipt_is_detected(world):
    share = world["share"]

    dba(
        f"UPDATE {Share._meta.db_table} SET sent_entry_seq = NULL WHERE id = %s",
        [db_id(share.pk)],
    )

    _records_fail(share, "no receipt")


def test_a_moved_share_whose_entry_is_forged_to_match_breaks_the_chain(world):
    share, third = world["share"], world["third"]
    entry = _sent_entry(share)
    dba(
        f"UPDATE {ShareRecipient._meta.db_table} SET agency_id = %s WHERE share_id = %s",
        [db_id(third.pk), db_id(share.pk)],
    )

    dba(
        f"UPDATE {ENTRY} SET payload = %s WHERE seq = %s",
        [json.dumps(dict(entry.payload, recipients=[str(third.pk)])), entry.seq],
    )

    assert integrity.share_record_check(Share.objects.get(pk=share.pk)).ok
    _assert_broken(entry.seq, "payload", "altered", args=("--records",))
