"""The canonical encoding of a ledger entry and the hash that chains it.

An entry's hash is ``sha256(prev_hash_hex_ascii + canonical_bytes)`` where the
canonical bytes are the entry's fields as JSON with sorted keys, no whitespace,
UTF-8 (``ensure_ascii=False``). The bytes are stored beside the columns so
verification hashes exactly what was hashed at append time, and re-encodes the
columns to prove they still say the same thing.

Payloads are restricted to the interoperable subset of JSON (I-JSON, RFC 7493)
minus numbers with a fraction: objects with string keys, arrays, strings, booleans,
null and integers within +/-(2**53 - 1). Floats are refused because their text
form is not stable across databases (PostgreSQL's ``jsonb`` writes ``1e16`` as
``10000000000000000``), which would make an honest entry look altered; record a
decimal as a string. Strings may not contain NUL (``jsonb`` refuses it) or lone
surrogates (not encodable as UTF-8).
"""

import datetime
import hashlib
import json
from typing import Any

GENESIS_HASH = "0" * 64
MAX_SAFE_INTEGER = 2**53 - 1
MAX_PAYLOAD_DEPTH = 32

_encoder = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
)
encode_json = _encoder.encode


class NotCanonicalJSON(ValueError):
    """A payload holds a value outside the ledger's JSON subset."""


def check_json(value: Any, path: str = "payload", depth: int = 0) -> None:
    """Raise ``NotCanonicalJSON`` naming the first value the ledger cannot hold."""
    if depth > MAX_PAYLOAD_DEPTH:
        raise NotCanonicalJSON(f"{path} is nested more than {MAX_PAYLOAD_DEPTH} levels deep")
    kind = type(value)
    if kind is str:
        _check_string(value, path)
    elif kind is bool or value is None:
        return
    elif kind is int:
        if not -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
            raise NotCanonicalJSON(f"{path} is an integer outside +/-(2**53 - 1)")
    elif kind is dict:
        for key, item in value.items():
            if type(key) is not str:
                raise NotCanonicalJSON(f"{path} has a key that is not a string: {key!r}")
            _check_string(key, f"{path} key")
            check_json(item, f"{path}.{key}", depth + 1)
    elif kind is list:
        for index, item in enumerate(value):
            check_json(item, f"{path}[{index}]", depth + 1)
    elif kind is float:
        raise NotCanonicalJSON(f"{path} is a number with a fraction; record it as a string")
    else:
        raise NotCanonicalJSON(f"{path} is a {kind.__name__}, which is not JSON")


def _check_string(value: str, path: str) -> None:
    if "\x00" in value:
        raise NotCanonicalJSON(f"{path} contains a NUL character")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        raise NotCanonicalJSON(f"{path} is not valid Unicode text") from error


def format_time(moment: datetime.datetime) -> str:
    """ISO 8601 in UTC with microseconds and a ``Z``: ``2026-01-31T09:05:00.000000Z``."""
    if moment.tzinfo is None:
        raise ValueError("ledger times must be timezone-aware")
    utc = moment.astimezone(datetime.UTC).replace(tzinfo=None)
    return utc.isoformat(timespec="microseconds") + "Z"


def entry_record(
    *,
    seq: int,
    recorded_at: str,
    actor_ref: str,
    agency_ref: str | None,
    kind: str,
    subject_ref: str | None,
    payload: dict,
) -> dict:
    """The fields an entry's hash covers, as the dict that is encoded."""
    return {
        "actor_ref": actor_ref,
        "agency_ref": agency_ref,
        "kind": kind,
        "payload": payload,
        "recorded_at": recorded_at,
        "seq": seq,
        "subject_ref": subject_ref,
    }


def canonical_bytes(record: dict) -> bytes:
    return encode_json(record).encode("utf-8")


def chain_hash(prev_hash: str, canonical: bytes) -> str:
    """SHA-256 (hex) over the previous entry's hash (hex, ASCII) and this entry's bytes."""
    return hashlib.sha256(prev_hash.encode("ascii") + canonical).hexdigest()
