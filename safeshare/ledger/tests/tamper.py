"""Ways to tamper with the ledger, for tests that prove each one is detected.

Each goes around the append-only triggers the way someone with direct database
access would (``append_only_suspended``), on SQLite and PostgreSQL alike.
"""

import json

from django.db import connection

from safeshare.ledger.canonical import (
    GENESIS_HASH,
    canonical_bytes,
    chain_hash,
    entry_record,
    format_time,
)
from safeshare.ledger.models import Entry
from safeshare.ledger.testing import append_only_suspended

SHIFT = 1_000_000


def execute(sql: str, params: list | None = None) -> None:
    with append_only_suspended(), connection.cursor() as cursor:
        cursor.execute(sql, params or [])


def set_column(seq: int, column: str, value) -> None:
    if column == "payload":
        value = json.dumps(value)
    execute(f"UPDATE ledger_entry SET {column} = %s WHERE seq = %s", [value, seq])


def delete(*seqs: int) -> None:
    for seq in seqs:
        execute("DELETE FROM ledger_entry WHERE seq = %s", [seq])


def delete_after(seq: int) -> None:
    execute("DELETE FROM ledger_entry WHERE seq > %s", [seq])
    execute("DELETE FROM ledger_checkpoint WHERE seq > %s", [seq])


def swap(first: int, second: int) -> None:
    """Reorder: the two entries trade places in the sequence."""
    execute("UPDATE ledger_entry SET seq = %s WHERE seq = %s", [SHIFT, first])
    execute("UPDATE ledger_entry SET seq = %s WHERE seq = %s", [first, second])
    execute("UPDATE ledger_entry SET seq = %s WHERE seq = %s", [second, SHIFT])


def record_of(entry: Entry, **changes) -> dict:
    fields = {
        "seq": entry.seq,
        "recorded_at": format_time(entry.recorded_at),
        "actor_ref": entry.actor_ref,
        "agency_ref": entry.agency_ref,
        "kind": entry.kind,
        "subject_ref": entry.subject_ref,
        "payload": entry.payload,
    }
    fields.update(changes)
    return entry_record(**fields)


def write_row(entry: Entry, record: dict, prev_hash: str, *, insert: bool = False) -> str:
    """Write an entry's columns, bytes and a self-consistent hash; return the hash."""
    canonical = canonical_bytes(record)
    digest = chain_hash(prev_hash, canonical)
    values = [
        connection.ops.adapt_datetimefield_value(entry.recorded_at),
        record["actor_ref"],
        record["agency_ref"],
        record["kind"],
        record["subject_ref"],
        json.dumps(record["payload"]),
        canonical,
        prev_hash,
        digest,
    ]
    if insert:
        execute(
            "INSERT INTO ledger_entry (recorded_at, actor_ref, agency_ref, kind, subject_ref, "
            "payload, canonical, prev_hash, hash, seq) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            [*values, record["seq"]],
        )
    else:
        execute(
            "UPDATE ledger_entry SET recorded_at = %s, actor_ref = %s, agency_ref = %s, "
            "kind = %s, subject_ref = %s, payload = %s, canonical = %s, prev_hash = %s, "
            "hash = %s WHERE seq = %s",
            [*values, record["seq"]],
        )
    return digest


def rewrite_from(seq: int, **changes) -> None:
    """Change entry ``seq`` and re-hash it and every later entry: a chain that checks out."""
    entries = list(Entry.objects.filter(seq__gte=seq).order_by("seq"))
    prev = Entry.objects.get(seq=seq - 1).hash if seq > 1 else GENESIS_HASH
    for entry in entries:
        record = record_of(entry, **(changes if entry.seq == seq else {}))
        prev = write_row(entry, record, prev)


def insert_before(seq: int) -> None:
    """Shift entries from ``seq`` up by one and insert a plausible entry in the gap.

    The new entry links to its predecessor and hashes correctly, and the displaced
    entry is re-linked to it, as a careful forger would; only the displaced entry's
    own hash (which covers its prev_hash and seq) gives it away.
    """
    execute("UPDATE ledger_entry SET seq = seq + %s WHERE seq >= %s", [SHIFT, seq])
    execute("UPDATE ledger_entry SET seq = seq - %s WHERE seq >= %s", [SHIFT - 1, SHIFT])
    template = Entry.objects.get(seq=seq + 1)
    prev = Entry.objects.get(seq=seq - 1).hash if seq > 1 else GENESIS_HASH
    # The displaced entry must stop naming ``prev`` first (prev_hash is unique).
    execute("UPDATE ledger_entry SET prev_hash = %s WHERE seq = %s", ["e" * 64, seq + 1])
    forged = record_of(template, seq=seq, payload={"forged": True})
    forged_hash = write_row(template, forged, prev, insert=True)
    execute("UPDATE ledger_entry SET prev_hash = %s WHERE seq = %s", [forged_hash, seq + 1])
