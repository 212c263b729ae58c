"""Writes to the ledger. Nothing else writes to ``ledger_entry`` or ``ledger_checkpoint``.

DESIGN "Ledger"; issue #3 item 5. ``ledger_append`` joins the caller's
transaction, so an entry exists if and only if the write it records committed.
"""

from __future__ import annotations

import datetime
import logging
from typing import Any, Protocol, TypedDict

try:
    import psycopg
except ImportError:  # SQLite-only installs
    psycopg = None  # type: ignore[assignment]  # read only when the database is PostgreSQL

from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, DatabaseError, IntegrityError, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from safeshare.core import clock
from safeshare.core.errors import AccessAttempt, LedgerUnavailable, is_database_unavailable

from . import signing
from .canonical import (
    GENESIS_HASH,
    NotCanonicalJSON,
    chain_hash,
    encode_payload,
    entry_canonical,
    format_time,
)
from .kinds import EntryKind
from .models import Checkpoint, Entry

logger = logging.getLogger(__name__)

# Key of the PostgreSQL transaction-scoped advisory lock that serialises appends
# (any fixed bigint would do; this one reads "sAfE 1eD6").
LEDGER_LOCK_KEY = 0x5AFE_1ED6
ACTOR_PREFIXES = ("user:", "system:")

_KINDS = frozenset(EntryKind.values)
# What _write stores: kind, actor, agency, subject, payload and its canonical text.
_Fields = tuple[str, str, str | None, str | None, dict[str, Any], str]
_TABLE = Entry._meta.db_table
_FIELD_NAMES = tuple(field.attname for field in Entry._meta.concrete_fields)
_COLUMNS = (
    "seq, recorded_at, actor_ref, agency_ref, kind, subject_ref, payload, "
    "canonical, prev_hash, hash"
)
_HEAD = f"SELECT seq, hash FROM {_TABLE} ORDER BY seq DESC LIMIT 1"
_LOCK = f"SELECT pg_advisory_xact_lock({LEDGER_LOCK_KEY})"
# The hot path talks to the driver directly: Django's transaction bookkeeping
# costs as much as the INSERT itself. Errors still surface as django.db
# exceptions (wrap_database_errors).
_SQLITE_INSERT = f"INSERT INTO {_TABLE} ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
_POSTGRES_INSERT = (
    f"INSERT INTO {_TABLE} ({_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s, %s::jsonb, %s, %s, %s)"
)


class EntryRefs(TypedDict):
    """The references several entries of one write share (``ledger_append(**refs)``)."""

    actor_ref: str
    agency_ref: str | None
    subject_ref: str | None


class Actor(Protocol):
    """What the ledger needs of a member of staff: the key of their row. The ledger
    imports core only, so it names no app's user model; Django's users (and the
    anonymous user, whose key is None) all fit."""

    @property
    def pk(self) -> object: ...


def actor_ref_for(user: Actor | None) -> str:
    """The ledger's reference to a signed-in member of staff: ``user:<uuid>``.

    Anyone else (no user, the anonymous user, an unsaved one) is a ValueError.
    """
    if user is None or not getattr(user, "pk", None):
        raise ValueError("actor_ref_for needs a saved user")
    return f"user:{user.pk}"


def system_actor_ref(command: str) -> str:
    """The ledger's reference to work no person started: ``system:<command name>``."""
    return f"system:{command}"


def _validate(
    *, kind: str, actor_ref: str, agency_ref: str | None, subject_ref: str | None, payload: Any
) -> str:
    """Check the arguments; return the payload's canonical JSON text."""
    errors: dict[str, list[str]] = {}
    if kind not in _KINDS:
        errors["kind"] = [f"{kind!r} is not a ledger entry kind listed in EntryKind."]
    if (
        not isinstance(actor_ref, str)
        or not actor_ref.startswith(ACTOR_PREFIXES)
        or actor_ref.partition(":")[2] == ""
        or len(actor_ref) > 200
    ):
        errors["actor_ref"] = ["Name the actor as user:<uuid> or system:<command name>."]
    for name, value, limit in (("agency_ref", agency_ref, 64), ("subject_ref", subject_ref, 200)):
        if value is not None and (not isinstance(value, str) or not value or len(value) > limit):
            errors[name] = [f"Give a non-empty reference of at most {limit} characters, or None."]
    payload_text = ""
    try:
        payload_text = encode_payload(payload)
    except NotCanonicalJSON as error:
        errors["payload"] = [f"The payload must be a JSON object of plain JSON values: {error}."]
    if errors:
        raise ValidationError(errors)
    return payload_text


def ledger_append(
    *,
    kind: str,
    actor_ref: str,
    agency_ref: str | None,
    subject_ref: str | None,
    payload: dict[str, Any],
) -> Entry:
    """Append one entry to the hash chain, inside the caller's transaction.

    Appends are serialised so the chain never forks: PostgreSQL takes a
    transaction-scoped advisory lock before reading the head; SQLite begins
    every transaction IMMEDIATE (settings; system check ledger.E001), taking the
    write lock before the head is read. The primary key on ``seq`` and the
    unique ``prev_hash`` make a fork impossible even if that were misconfigured:
    the second writer fails instead. Called outside a transaction, the append
    runs in one of its own. Payloads carry pseudonymous references only, never
    plaintext personal data (DESIGN "Ledger").
    """
    payload_text = _validate(
        kind=kind,
        actor_ref=actor_ref,
        agency_ref=agency_ref,
        subject_ref=subject_ref,
        payload=payload,
    )
    fields = (str(kind), actor_ref, agency_ref, subject_ref, payload, payload_text)
    connection = connections[DEFAULT_DB_ALIAS]
    try:
        if connection.in_atomic_block:
            # Validation came first, so a bad call leaves the caller's transaction
            # usable; a failure from here on must doom the caller's write as well.
            connection.validate_no_broken_transaction()
            try:
                return _write(connection, fields, own_transaction=False)
            except BaseException:
                connection.set_rollback(True)
                raise
        if not connection.get_autocommit():
            with transaction.atomic(using=connection.alias, savepoint=False):
                return _write(connection, fields, own_transaction=False)
        return _write(connection, fields, own_transaction=True)
    except DatabaseError as error:
        raise _refused(error, kind=str(kind)) from error


# SQLSTATEs that mean the ledger's lock was not had in time: lock_not_available
# (lock_timeout) and query_canceled (statement_timeout while waiting for it).
_LOCK_WAIT_SQLSTATES = ("55P03", "57014")


def _refused(error: DatabaseError, *, kind: str) -> LedgerUnavailable:
    """Classify a refused append, log it without the payload, and say whether to retry.

    Retryable: the database busy, out of reach or asking for a retry
    (``is_database_unavailable``), the ledger's lock not had in time, or the
    chain's primary key or unique ``prev_hash`` refusing a second successor of
    the head (another append won the race; a retry reads the new head). Any
    other refusal (a check constraint, a missing column, bad data) means the
    ledger table is not as the application left it: logged as critical, for
    ``safeshare ledger verify``.
    """
    cause = error.__cause__
    sqlstate = getattr(cause, "sqlstate", None) or ""
    message = str(cause or error)
    chain_race = isinstance(error, IntegrityError) and (
        sqlstate == "23505" or message.startswith("UNIQUE constraint failed: ledger_entry.")
    )
    if is_database_unavailable(error) or sqlstate in _LOCK_WAIT_SQLSTATES or chain_race:
        logger.warning(
            "Ledger append of %s refused (%s %s); the change was rolled back, the client may retry",
            kind,
            type(error).__name__,
            sqlstate or ("chain race" if chain_race else "database unavailable"),
        )
        return LedgerUnavailable(retryable=True)
    logger.critical(
        "Ledger append of %s refused (%s %s): the ledger may be damaged; the change was rolled "
        "back. Run `safeshare ledger verify`.",
        kind,
        type(error).__name__,
        sqlstate or "no SQLSTATE",
    )
    return LedgerUnavailable(retryable=False)


def _write(connection: BaseDatabaseWrapper, fields: _Fields, *, own_transaction: bool) -> Entry:
    """Read the head, chain the entry to it and insert it, on the driver's cursor.

    With ``own_transaction`` the transaction is begun and committed here:
    ``BEGIN IMMEDIATE`` on SQLite; on PostgreSQL ``BEGIN``, the lock and the head
    read go in one round trip (under READ COMMITTED each statement takes a fresh
    snapshot, so the head is read after the lock is held).
    """
    kind, actor_ref, agency_ref, subject_ref, payload, payload_text = fields
    recorded_at = clock.now()
    utc = recorded_at.astimezone(datetime.UTC).replace(tzinfo=None)
    time = utc.isoformat(timespec="microseconds") + "Z"
    postgres = connection.vendor == "postgresql"
    connection.ensure_connection()
    raw = connection.connection
    with connection.wrap_database_errors:
        if postgres:
            cursor = psycopg.ClientCursor(raw)  # several statements in one round trip
            head_sql = f"BEGIN; {_LOCK}; {_HEAD}" if own_transaction else f"{_LOCK}; {_HEAD}"
        else:
            cursor = raw.cursor()
            if own_transaction:
                cursor.execute("BEGIN IMMEDIATE")
            head_sql = _HEAD
        try:
            cursor.execute(head_sql)
            if postgres:
                while cursor.nextset():  # the head is the last result
                    pass
            head = cursor.fetchone()
            seq, prev_hash = (head[0] + 1, head[1]) if head else (1, GENESIS_HASH)
            canonical = entry_canonical(
                seq, time, actor_ref, agency_ref, kind, subject_ref, payload_text
            )
            entry_hash = chain_hash(prev_hash, canonical)
            cursor.execute(
                _POSTGRES_INSERT if postgres else _SQLITE_INSERT,
                (
                    seq,
                    recorded_at if postgres else str(utc),  # SQLite: as Django stores it
                    actor_ref,
                    agency_ref,
                    kind,
                    subject_ref,
                    payload_text,
                    canonical,
                    prev_hash,
                    entry_hash,
                ),
            )
            if own_transaction:
                cursor.execute("COMMIT")
        except BaseException:
            if own_transaction:
                raw.rollback()  # both drivers roll back only if a transaction is open
            raise
        finally:
            cursor.close()
    values = (seq, recorded_at, actor_ref, agency_ref, kind, subject_ref, payload, canonical)
    return Entry.from_db(connection.alias, _FIELD_NAMES, (*values, prev_hash, entry_hash))


@transaction.atomic
def refusal_record(
    *,
    actor_ref: str,
    agency_ref: str | None,
    attempt: AccessAttempt,
    operation: str,
    method: str,
    status: int,
    request_id: str,
) -> Entry:
    """Record that access refused a request: an ``access.refused`` entry (issue #11 item 2).

    Called after the refused request's own work is over, in a transaction of its
    own, so the entry stays even when that work rolled back. The payload holds
    codes and ids only: the action, the operation (URL name or route), the
    record's model label and its id as requested (never a malformed id's text),
    the status answered (403 or 404) and the request id sent back as
    ``X-Request-Id``. It does not say whether the record exists: a missing
    record and one out of scope are refused, and recorded, alike.
    """
    return ledger_append(
        kind=EntryKind.ACCESS_REFUSED,
        actor_ref=actor_ref,
        agency_ref=agency_ref,
        subject_ref=None,
        payload={
            "action": attempt.action or operation,
            "operation": operation,
            "method": method,
            "object_kind": attempt.object_kind,
            "object_id": attempt.object_id,
            "object_id_malformed": attempt.object_id_malformed,
            "status": status,
            "request_id": request_id,
        },
    )


@transaction.atomic
def checkpoint_write(*, actor_ref: str) -> Checkpoint:
    """Sign the current head of the ledger with the deployment's Ed25519 key.

    The checkpoint is itself recorded: a ``ledger.checkpoint`` entry is appended
    first and the signature covers that entry (seq, hash, time), so the signed
    head is always a real entry. Agencies keep the export, and a later rewrite
    or truncation of the log no longer matches it (issue #3 item 5).
    """
    key = signing.signing_key()  # fail before writing anything if unconfigured
    entry = ledger_append(
        kind=EntryKind.LEDGER_CHECKPOINT,
        actor_ref=actor_ref,
        agency_ref=None,
        subject_ref=None,
        payload={"public_key_id": signing.public_key_id(key.public_key())},
    )
    time = format_time(entry.recorded_at)
    message = signing.checkpoint_message(seq=entry.seq, head_hash=entry.hash, time=time)
    signature, public_key = signing.sign(message)
    checkpoint = Checkpoint(
        seq=entry.seq,
        head_hash=entry.hash,
        created_at=entry.recorded_at,
        actor_ref=actor_ref,
        signature=signature,
        public_key_id=signing.public_key_id(public_key),
        public_key=signing.public_key_pem(public_key),
    )
    checkpoint.full_clean()
    checkpoint.save(force_insert=True)
    return checkpoint


CHECKPOINT_FORMAT = "safeshare-ledger-checkpoint/1"


def checkpoint_export(checkpoint: Checkpoint) -> dict[str, Any]:
    """The JSON document an agency keeps to hold the partnership to this ledger head."""
    return {
        "format": CHECKPOINT_FORMAT,
        "seq": checkpoint.seq,
        "head_hash": checkpoint.head_hash,
        "time": format_time(checkpoint.created_at),
        "signature": checkpoint.signature,
        "public_key_id": checkpoint.public_key_id,
        "public_key": checkpoint.public_key,
    }
