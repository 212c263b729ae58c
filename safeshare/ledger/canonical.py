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

``canonical_bytes(record)`` is the definition; ``entry_canonical`` builds the
same bytes faster for the append and verify hot paths (a test holds them equal).
"""

import datetime
import hashlib
import json
from json.encoder import encode_basestring
from typing import Any, NoReturn

GENESIS_HASH = "0" * 64
MAX_SAFE_INTEGER = 2**53 - 1

_encoder = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
)
encode_json = _encoder.encode


class NotCanonicalJSON(ValueError):
    """A payload holds a value outside the ledger's JSON subset."""


def _refuse_float(text: str) -> NoReturn:
    raise NotCanonicalJSON("float")


def _safe_int(text: str) -> int:
    value = int(text)
    if not -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
        raise NotCanonicalJSON("integer")
    return value


_strict_decoder = json.JSONDecoder(parse_float=_refuse_float, parse_int=_safe_int)


def encode_payload(payload: Any) -> str:
    """The payload's canonical JSON text; ``NotCanonicalJSON`` naming the first bad value.

    The fast path stays in C: encode, decode with hooks that refuse fractions and
    out-of-range integers, and compare with the original, which catches tuples,
    sets, non-string keys and anything else that would not survive the round
    trip. Only a failure walks the payload in Python, to name the culprit.
    """
    if not isinstance(payload, dict):
        raise NotCanonicalJSON("payload is not a JSON object")
    try:
        text = encode_json(payload)
        text.encode("utf-8")
        same = _strict_decoder.decode(text) == payload
    except (TypeError, ValueError, RecursionError):
        same = False
    if not same or "\\u0000" in text:
        check_json(payload)  # raises, naming the value
    return text


def check_json(value: Any, path: str = "payload") -> None:
    """Raise ``NotCanonicalJSON`` naming the first value the ledger cannot hold."""
    try:
        _check(value, path)
    except RecursionError:
        raise NotCanonicalJSON(f"{path} is nested too deeply") from None


def _check(value: Any, path: str) -> None:
    if isinstance(value, str):
        _check_string(value, path)
    elif value is None or isinstance(value, bool):
        return
    elif isinstance(value, int):
        if not -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
            raise NotCanonicalJSON(f"{path} is an integer outside +/-(2**53 - 1)")
    elif isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise NotCanonicalJSON(f"{path} has a key that is not a string: {key!r}")
            _check_string(key, f"{path} key")
            _check(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check(item, f"{path}[{index}]")
    elif isinstance(value, float):
        raise NotCanonicalJSON(f"{path} is a number with a fraction; record it as a string")
    else:
        raise NotCanonicalJSON(f"{path} is a {type(value).__name__}, which is not JSON")


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
    payload: dict[str, Any],
) -> dict[str, Any]:
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


def canonical_bytes(record: dict[str, Any]) -> bytes:
    return encode_json(record).encode("utf-8")


def entry_canonical(
    seq: int,
    recorded_at: str,
    actor_ref: str,
    agency_ref: str | None,
    kind: str,
    subject_ref: str | None,
    payload_text: str,
) -> bytes:
    """``canonical_bytes(entry_record(...))``, given the payload's canonical text.

    Raises ``TypeError`` if a field has the wrong type (as a tampered row might).
    """
    agency = "null" if agency_ref is None else encode_basestring(agency_ref)
    subject = "null" if subject_ref is None else encode_basestring(subject_ref)
    if type(seq) is not int:
        raise TypeError("seq must be an integer")
    return (
        f'{{"actor_ref":{encode_basestring(actor_ref)},"agency_ref":{agency},'
        f'"kind":{encode_basestring(kind)},"payload":{payload_text},'
        f'"recorded_at":{encode_basestring(recorded_at)},"seq":{seq},"subject_ref":{subject}}}'
    ).encode()


def chain_hash(prev_hash: str, canonical: bytes) -> str:
    """SHA-256 (hex) over the previous entry's hash (hex, ASCII) and this entry's bytes."""
    return hashlib.sha256(prev_hash.encode("ascii") + canonical).hexdigest()
