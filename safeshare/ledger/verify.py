"""Re-compute the ledger's hash chain and say where, if anywhere, it breaks.

Issue #3 item 5: detect an entry altered, deleted, inserted or reordered, and a
log truncated behind a signed checkpoint. Rows stream in ``seq`` order through
a raw cursor in keyset-paged batches; for each row the stored canonical bytes
are hashed (exactly what was hashed at append time) and the columns are
compared with those bytes, so editing either is detected.

The column comparison runs where it is cheapest. On SQLite, where
``ledger_append`` stores the payload's canonical text, Python rebuilds the
canonical bytes from the columns and compares them byte for byte. On
PostgreSQL, ``jsonb`` does not keep that text, so the database compares the
parsed canonical record with the columns (``jsonb`` equality: key order and
spacing do not matter, values do) and only rows it does not vouch for are
fetched whole and compared in Python. A batch the database cannot parse
(bytes that are not JSON) is re-read and checked entirely in Python.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from . import signing
from .canonical import GENESIS_HASH, encode_json, entry_canonical, format_time
from .models import Checkpoint, Entry

Progress = Callable[[int, int], None]
# A ledger row as the driver returns it: values of any type, since a tampered row
# may hold anything.
Row = tuple[Any, ...]

CHUNK_SIZE = 5000
_TABLE = Entry._meta.db_table
_FIELDS = ("seq", "recorded_at", "actor_ref", "agency_ref", "kind", "subject_ref", "payload")
_RECORDED_AT_SQL = {
    # Django stores naive UTC text, "YYYY-MM-DD HH:MM:SS[.ffffff]".
    "sqlite": (
        "replace(recorded_at, ' ', 'T') "
        "|| CASE WHEN length(recorded_at) = 19 THEN '.000000Z' ELSE 'Z' END"
    ),
    # Already in the canonical form.
    "postgresql": """to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')""",
}
_CHECKPOINT_KEYS = {"seq", "head_hash", "time", "signature", "public_key"}


@dataclass(frozen=True)
class VerifyResult:
    """What verification found. ``bad_seq`` is the first bad entry, when one can be named."""

    ok: bool
    entries: int
    head_seq: int
    head_hash: str
    bad_seq: int | None = None
    reason: str | None = None

    def __str__(self) -> str:
        if self.ok:
            return f"ledger intact: {self.entries} entries, head {self.head_hash}"
        if self.bad_seq is not None:
            return f"ledger broken at entry {self.bad_seq}: {self.reason}"
        return f"ledger not verified: {self.reason}"


@dataclass
class _Position:
    """The last entry found good, and how many were."""

    seq: int = 0
    hash: str = GENESIS_HASH
    entries: int = 0


class _Broken(Exception):
    def __init__(self, seq: int | None, reason: str):
        super().__init__(reason)
        self.seq = seq
        self.reason = reason


def trusted_key_ids_from_settings() -> set[str]:
    """The fingerprint of the configured signing key, if one is configured."""
    if not settings.SAFESHARE_LEDGER_SIGNING_KEY_FILE:
        return set()
    return {signing.public_key_id(signing.signing_key().public_key())}


def verify_chain(
    *,
    checkpoint: dict[str, Any] | None = None,
    progress: Progress | None = None,
    trusted_key_ids: Iterable[str] | None = None,
    chunk_size: int = CHUNK_SIZE,
    using: str = "default",
) -> VerifyResult:
    """Verify every entry, every stored checkpoint and, if given, an exported checkpoint.

    ``checkpoint`` is a document from ``services.checkpoint_export`` (as kept by an
    agency). It must be signed by a trusted key: ``trusted_key_ids`` (public key
    fingerprints) or, by default, the configured signing key.
    """
    anchors: dict[int, list[tuple[str, str]]] = {}
    position = _Position()
    try:
        if checkpoint is not None:
            trusted = (
                set(trusted_key_ids)
                if trusted_key_ids is not None
                else trusted_key_ids_from_settings()
            )
            seq, head, label = _check_exported(checkpoint, trusted)
            anchors.setdefault(seq, []).append((head, label))
        for stored in Checkpoint.objects.using(using).order_by("seq", "id"):
            seq, head, label = _check_stored(stored)
            anchors.setdefault(seq, []).append((head, label))
        _walk(using, chunk_size, progress, anchors, position)
        _check_anchors_reached(anchors, position.seq)
    except _Broken as broken:
        return VerifyResult(
            ok=False,
            entries=position.entries,
            head_seq=position.seq,
            head_hash=position.hash,
            bad_seq=broken.seq,
            reason=broken.reason,
        )
    return VerifyResult(
        ok=True, entries=position.entries, head_seq=position.seq, head_hash=position.hash
    )


def _check_exported(document: dict[str, Any], trusted: set[str]) -> tuple[int, str, str]:
    if not isinstance(document, dict) or not _CHECKPOINT_KEYS <= document.keys():
        missing = sorted(_CHECKPOINT_KEYS - set(document)) if isinstance(document, dict) else []
        raise _Broken(None, f"the checkpoint file is not a ledger checkpoint (missing {missing})")
    seq, head_hash, time = document["seq"], document["head_hash"], document["time"]
    if type(seq) is not int or seq < 0 or not isinstance(head_hash, str):
        raise _Broken(None, "the checkpoint file has no valid seq and head_hash")
    try:
        public_key = signing.load_public_key(str(document["public_key"]))
    except ValueError:
        raise _Broken(None, "the checkpoint's public key is not an Ed25519 key") from None
    message = signing.checkpoint_message(seq=seq, head_hash=head_hash, time=str(time))
    if not signing.signature_valid(public_key, str(document["signature"]), message):
        raise _Broken(None, "the checkpoint's signature does not verify: it was forged or edited")
    key_id = signing.public_key_id(public_key)
    if not trusted:
        raise _Broken(
            None,
            "no trusted key to check the checkpoint's signer against: configure "
            "SAFESHARE_LEDGER_SIGNING_KEY_FILE or name the public key to trust",
        )
    if key_id not in trusted:
        raise _Broken(None, f"the checkpoint is signed by an untrusted key ({key_id[:16]}...)")
    return seq, head_hash, f"the signed checkpoint of {time}"


def _check_stored(stored: Checkpoint) -> tuple[int, str, str]:
    signing_time = format_time(stored.created_at)
    label = f"the stored checkpoint of {signing_time}"
    message = signing.checkpoint_message(
        seq=stored.seq, head_hash=stored.head_hash, time=signing_time
    )
    try:
        public_key = signing.load_public_key(stored.public_key)
    except ValueError:
        public_key = None
    if (
        public_key is None
        or signing.public_key_id(public_key) != stored.public_key_id
        or not signing.signature_valid(public_key, stored.signature, message)
    ):
        raise _Broken(stored.seq or None, f"{label} (entry {stored.seq}) has a bad signature")
    return stored.seq, stored.head_hash, label


def _check_anchors_reached(anchors: dict[int, list[tuple[str, str]]], head_seq: int) -> None:
    beyond = [seq for seq in anchors if seq > head_seq]
    if beyond:
        seq = max(beyond)
        label = anchors[seq][0][1]
        raise _Broken(
            head_seq + 1,
            f"the log ends at entry {head_seq} but {label} covers entry {seq}: "
            "entries were removed from the end",
        )


_FULL_COLUMNS = (
    "seq, {recorded_at}, actor_ref, agency_ref, kind, subject_ref, payload, "
    "canonical, prev_hash, hash, NULL"
)
# The same eleven columns; the data columns stay in the database, which says
# whether they match the hashed record.
_POSTGRES_COLUMNS = (
    "seq, NULL, NULL, NULL, NULL, NULL, NULL, canonical, prev_hash, hash, "
    "convert_from(canonical, 'UTF8')::jsonb = jsonb_build_object("
    "'actor_ref', actor_ref, 'agency_ref', agency_ref, 'kind', kind, 'payload', payload, "
    "'recorded_at', {recorded_at}, 'seq', seq, 'subject_ref', subject_ref)"
)
_ORDER = " FROM {table} WHERE seq > %s ORDER BY seq"


def _full_sql(vendor: str) -> str:
    return "SELECT " + _FULL_COLUMNS.format(recorded_at=_RECORDED_AT_SQL[vendor])


def _rows(using: str, chunk_size: int) -> Iterator[list[Row]]:
    """Batches of (seq, recorded_at, actor, agency, kind, subject, payload, canonical,
    prev_hash, hash, columns_match) in ``seq`` order, streamed by one query.

    ``columns_match`` is True where the database vouches for the data columns (the
    data columns are then None), and None where Python must compare them.
    """
    connection = connections[using]
    order = _ORDER.format(table=_TABLE)
    full = _full_sql(connection.vendor) + order
    if connection.vendor != "postgresql":
        # SQLite streams a plain cursor from one read snapshot (WAL); no
        # transaction, so appends carry on meanwhile.
        yield from _stream(connection, full, -(2**63), chunk_size, [0])
        return
    fast = "SELECT " + _POSTGRES_COLUMNS.format(recorded_at=_RECORDED_AT_SQL["postgresql"])
    fast += order
    last = [-(2**63)]
    while True:
        try:
            # A server-side cursor needs a transaction; nested, this is a savepoint,
            # so a row the database cannot parse does not spoil the caller's.
            with transaction.atomic(using=using):
                yield from _stream_binary(connection, fast, last[0], chunk_size, last)
            return
        except DatabaseError:
            pass
        # The next batch holds bytes that are not JSON: Python judges it.
        with connection.cursor() as cursor:
            cursor.execute(full + " LIMIT %s", [last[0], chunk_size])
            batch = cursor.fetchall()
        if not batch:
            return
        last[0] = batch[-1][0]
        yield batch


def _stream_binary(
    connection: BaseDatabaseWrapper, sql: str, after: int, chunk_size: int, last: list[int]
) -> Iterator[list[Row]]:
    """PostgreSQL: a server-side cursor in binary format (raw bytea, no hex round trip)."""
    with connection.wrap_database_errors:
        cursor = connection.connection.cursor(name="ledger_verify", binary=True)
        try:
            cursor.execute(sql, [after])
            while batch := cursor.fetchmany(chunk_size):
                last[0] = batch[-1][0]
                yield batch
        finally:
            cursor.close()


def _stream(
    connection: BaseDatabaseWrapper, sql: str, after: int, chunk_size: int, last: list[int]
) -> Iterator[list[Row]]:
    """Fetch ``sql`` in batches through a server-side cursor where the database has them."""
    cursor = connection.chunked_cursor()
    try:
        cursor.execute(sql, [after])
        while batch := cursor.fetchmany(chunk_size):
            last[0] = batch[-1][0]
            yield batch
    finally:
        cursor.close()


def _full_row(using: str, seq: int) -> Row:
    connection = connections[using]
    sql = _full_sql(connection.vendor) + f" FROM {_TABLE} WHERE seq = %s"
    with connection.cursor() as cursor:
        cursor.execute(sql, [seq])
        row: Row = cursor.fetchone()  # the entry was just streamed; the ledger keeps it
        return row


def _walk(
    using: str,
    chunk_size: int,
    progress: Progress | None,
    anchors: dict[int, list[tuple[str, str]]],
    position: _Position,
) -> None:
    """Check each entry in order; raise ``_Broken`` at the first bad one.

    ``position`` names the last good entry after each batch and before raising.
    """
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX(seq) FROM {_TABLE}")
        total = cursor.fetchone()[0] or 0
    sha256 = hashlib.sha256
    build = entry_canonical
    expected_seq, expected_prev = 1, GENESIS_HASH
    try:
        for batch in _rows(using, chunk_size):
            for row in batch:
                seq, at, actor, agency, kind, subject, payload, canonical, prev, digest, same = row
                if seq != expected_seq:
                    if seq > expected_seq:
                        raise _Broken(
                            expected_seq,
                            f"the entry is missing (the next entry stored is {seq}): "
                            "it was deleted",
                        )
                    raise _Broken(seq, f"no entry numbered {seq} belongs in the chain: inserted")
                if type(canonical) is not bytes:
                    canonical = bytes(canonical)
                if sha256(prev.encode() + canonical).hexdigest() != digest:
                    raise _Broken(
                        seq, "its hash does not match its recorded contents: it was altered"
                    )
                if not same:
                    try:
                        same = build(seq, at, actor, agency, kind, subject, payload) == canonical
                    except TypeError:
                        same = False
                    if not same:
                        # Another spelling of the same JSON, or a real change: decide exactly.
                        if actor is None:
                            row = _full_row(using, seq)
                        if not _columns_match(row):
                            raise _Broken(seq, _describe_column_change(row))
                if prev != expected_prev:
                    raise _Broken(
                        seq,
                        "it does not follow the previous entry's hash: an entry before it "
                        "was inserted, deleted, reordered or rewritten",
                    )
                if seq in anchors:
                    for anchor_hash, label in anchors[seq]:
                        if anchor_hash != digest:
                            raise _Broken(
                                seq,
                                f"it differs from {label}: the log was rewritten at or before it",
                            )
                expected_seq, expected_prev = seq + 1, digest
            position.seq, position.hash, position.entries = (
                expected_seq - 1,
                expected_prev,
                expected_seq - 1,
            )
            if progress is not None:
                progress(position.entries, max(total, position.entries))
    except _Broken:
        position.seq, position.hash, position.entries = (
            expected_seq - 1,
            expected_prev,
            expected_seq - 1,
        )
        raise


def _columns_match(row: Row) -> bool:
    """Exactly: do the columns re-encode to the hashed bytes?"""
    seq, recorded_at, actor, agency, kind, subject, payload, canonical = row[:8]
    try:
        payload_text = encode_json(json.loads(payload))
        rebuilt = entry_canonical(seq, recorded_at, actor, agency, kind, subject, payload_text)
    except (TypeError, ValueError):
        return False
    return bool(rebuilt == canonical)


def _describe_column_change(row: Row) -> str:
    seq, recorded_at, actor, agency, kind, subject, payload, canonical = row[:8]
    try:
        hashed = json.loads(bytes(canonical))
        stored = {
            "actor_ref": actor,
            "agency_ref": agency,
            "kind": kind,
            "payload": json.loads(payload) if payload is not None else None,
            "recorded_at": recorded_at,
            "seq": seq,
            "subject_ref": subject,
        }
        changed = [
            name
            for name in _FIELDS
            if encode_json(stored.get(name)) != encode_json(hashed.get(name))
        ]
    except (TypeError, ValueError):
        changed = []
    fields = ", ".join(changed) if changed else "its encoding"
    return f"its stored columns differ from the hashed record ({fields}): it was altered"
