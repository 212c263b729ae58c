"""Writes to the ledger. Nothing else writes to ``ledger_entry`` or ``ledger_checkpoint``.

DESIGN "Ledger"; issue #3 item 5. ``ledger_append`` joins the caller's
transaction, so an entry exists if and only if the write it records committed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction

from safeshare.core import clock

from . import signing
from .canonical import (
    GENESIS_HASH,
    NotCanonicalJSON,
    canonical_bytes,
    chain_hash,
    check_json,
    entry_record,
    format_time,
)
from .kinds import EntryKind
from .models import Checkpoint, Entry

if TYPE_CHECKING:
    from safeshare.agencies.models import User

# Key of the PostgreSQL transaction-scoped advisory lock that serialises appends
# ("sAfE" "LeDg" as two 16-bit halves; any fixed bigint would do).
LEDGER_LOCK_KEY = 0x5AFE_1ED6
ACTOR_PREFIXES = ("user:", "system:")

_KINDS = frozenset(EntryKind.values)
_ENTRY_TABLE = Entry._meta.db_table
_ENTRY_COLUMNS = (
    "seq",
    "recorded_at",
    "actor_ref",
    "agency_ref",
    "kind",
    "subject_ref",
    "payload",
    "canonical",
    "prev_hash",
    "hash",
)
_INSERT_SQL = "INSERT INTO {table} ({columns}) VALUES ({params})".format(
    table=_ENTRY_TABLE,
    columns=", ".join(_ENTRY_COLUMNS),
    params=", ".join(["%s"] * len(_ENTRY_COLUMNS)),
)
_HEAD_SQL = f"SELECT seq, hash FROM {_ENTRY_TABLE} ORDER BY seq DESC LIMIT 1"
_PAYLOAD_FIELD = Entry._meta.get_field("payload")


def actor_ref_for(user: User) -> str:
    """The ledger's reference to a signed-in member of staff: ``user:<uuid>``."""
    if user is None or not getattr(user, "pk", None):
        raise ValueError("actor_ref_for needs a saved user")
    return f"user:{user.pk}"


def system_actor_ref(command: str) -> str:
    """The ledger's reference to work no person started: ``system:<command name>``."""
    return f"system:{command}"


def _validate(
    *, kind: str, actor_ref: str, agency_ref: str | None, subject_ref: str | None, payload: Any
) -> None:
    errors: dict[str, list[str]] = {}
    if kind not in _KINDS:
        errors["kind"] = [f"{kind!r} is not a ledger entry kind listed in EntryKind."]
    if (
        not isinstance(actor_ref, str)
        or not actor_ref.startswith(ACTOR_PREFIXES)
        or actor_ref.partition(":")[2] == ""
    ):
        errors["actor_ref"] = ["Name the actor as user:<uuid> or system:<command name>."]
    for name, value, limit in (("agency_ref", agency_ref, 64), ("subject_ref", subject_ref, 200)):
        if value is not None and (not isinstance(value, str) or not value or len(value) > limit):
            errors[name] = [f"Give a non-empty reference of at most {limit} characters, or None."]
    if not isinstance(payload, dict):
        errors["payload"] = ["The payload must be a JSON object (a dict)."]
    else:
        try:
            check_json(payload)
        except NotCanonicalJSON as error:
            errors["payload"] = [f"The ledger holds only plain JSON: {error}."]
    if errors:
        raise ValidationError(errors)


def ledger_append(
    *,
    kind: str,
    actor_ref: str,
    agency_ref: str | None,
    subject_ref: str | None,
    payload: dict,
) -> Entry:
    """Append one entry to the hash chain, inside the caller's transaction.

    Appends are serialised so the chain never forks: PostgreSQL takes a
    transaction-scoped advisory lock before reading the head; SQLite runs every
    transaction as ``BEGIN IMMEDIATE`` (settings), which takes the write lock
    before the head is read. The primary key on ``seq`` and the unique
    ``prev_hash`` make a fork impossible even if that were misconfigured: the
    second writer fails instead. Payloads carry pseudonymous references only,
    never plaintext personal data (DESIGN "Ledger").
    """
    _validate(
        kind=kind,
        actor_ref=actor_ref,
        agency_ref=agency_ref,
        subject_ref=subject_ref,
        payload=payload,
    )
    kind = str(kind)
    recorded_at = clock.now()
    # Validation happens first: an invalid call leaves the caller's transaction
    # usable. No savepoint: a failure below dooms the caller's write as well.
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LEDGER_LOCK_KEY])
        cursor.execute(_HEAD_SQL)
        head = cursor.fetchone()
        seq, prev_hash = (head[0] + 1, head[1]) if head else (1, GENESIS_HASH)
        canonical = canonical_bytes(
            entry_record(
                seq=seq,
                recorded_at=format_time(recorded_at),
                actor_ref=actor_ref,
                agency_ref=agency_ref,
                kind=kind,
                subject_ref=subject_ref,
                payload=payload,
            )
        )
        entry_hash = chain_hash(prev_hash, canonical)
        cursor.execute(
            _INSERT_SQL,
            [
                seq,
                connection.ops.adapt_datetimefield_value(recorded_at),
                actor_ref,
                agency_ref,
                kind,
                subject_ref,
                _PAYLOAD_FIELD.get_db_prep_value(payload, connection),
                canonical,
                prev_hash,
                entry_hash,
            ],
        )
    entry = Entry(
        seq=seq,
        recorded_at=recorded_at,
        actor_ref=actor_ref,
        agency_ref=agency_ref,
        kind=kind,
        subject_ref=subject_ref,
        payload=payload,
        canonical=canonical,
        prev_hash=prev_hash,
        hash=entry_hash,
    )
    entry._state.adding = False
    entry._state.db = connection.alias
    return entry


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


def checkpoint_export(checkpoint: Checkpoint) -> dict:
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
