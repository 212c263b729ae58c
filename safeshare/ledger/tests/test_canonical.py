import json

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safeshare.ledger.canonical import (
    MAX_SAFE_INTEGER,
    NotCanonicalJSON,
    canonical_bytes,
    check_json,
    encode_payload,
    entry_canonical,
    entry_record,
)
from safeshare.ledger.kinds import EntryKind
from safeshare.ledger.models import Entry
from safeshare.ledger.services import ledger_append
from safeshare.ledger.verify import verify_chain

text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=20,
)
scalars = st.none() | st.booleans() | st.integers(-MAX_SAFE_INTEGER, MAX_SAFE_INTEGER) | text
json_values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(text, children, max_size=4),
    max_leaves=12,
)
payloads = st.dictionaries(text, json_values, max_size=5)


@given(payloads)
def test_any_payload_reencodes_to_the_same_bytes(payload):
    check_json(payload)
    encoded = canonical_bytes(payload)

    decoded = json.loads(encoded.decode("utf-8"))
    assert decoded == payload
    assert canonical_bytes(decoded) == encoded


@given(payloads, payloads)
def test_key_order_does_not_change_the_bytes(first, second):
    merged = {**first, **second}
    reversed_order = dict(reversed(list(merged.items())))

    assert canonical_bytes(merged) == canonical_bytes(reversed_order)


def test_encoding_is_compact_sorted_utf8():
    encoded = canonical_bytes({"b": [1, None, True], "a": "ü"})

    assert encoded == '{"a":"ü","b":[1,null,true]}'.encode()


@pytest.mark.parametrize("value", [1.0, float("nan"), 2**53, -(2**53), (1,), {1}, b"x", object()])
def test_values_outside_the_subset_are_refused(value):
    with pytest.raises(NotCanonicalJSON):
        check_json({"v": value})


@pytest.mark.django_db
@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(payload=payloads)
def test_any_payload_survives_the_database_and_verifies(payload):
    entry = ledger_append(
        kind=EntryKind.PERSON_UPDATED,
        actor_ref="system:test",
        agency_ref=None,
        subject_ref=None,
        payload=payload,
    )

    stored = Entry.objects.get(seq=entry.seq)
    assert stored.payload == payload
    assert bytes(stored.canonical) == entry.canonical
    assert verify_chain(checkpoint=None).ok


@pytest.mark.django_db
def test_append_refuses_a_float_naming_where_it_is():
    with pytest.raises(ValidationError) as error:
        ledger_append(
            kind=EntryKind.PERSON_UPDATED,
            actor_ref="system:test",
            agency_ref=None,
            subject_ref=None,
            payload={"scores": [1, 2.5]},
        )

    assert "payload.scores[1]" in error.value.message_dict["payload"][0]


refs = st.none() | text


@given(
    seq=st.integers(1, 2**62),
    actor=text,
    agency=refs,
    kind=text,
    subject=refs,
    payload=payloads,
)
def test_the_fast_builder_matches_the_definition(seq, actor, agency, kind, subject, payload):
    record = {
        "seq": seq,
        "recorded_at": "2026-01-31T09:05:00.000001Z",
        "actor_ref": actor,
        "agency_ref": agency,
        "kind": kind,
        "subject_ref": subject,
        "payload": payload,
    }

    built = entry_canonical(
        seq, record["recorded_at"], actor, agency, kind, subject, encode_payload(payload)
    )

    assert built == canonical_bytes(entry_record(**record))


@given(payloads)
def test_encode_payload_accepts_exactly_what_check_json_accepts(payload):
    check_json(payload)

    assert encode_payload(payload) == canonical_bytes(payload).decode()


@pytest.mark.parametrize(
    "payload",
    [{"v": 1.5}, {"v": [1, (2,)]}, {"v": {2: "x"}}, {"v": "\x00"}, {"v": 2**60}, {"v": {1, 2}}],
)
def test_encode_payload_refuses_what_check_json_refuses(payload):
    with pytest.raises(NotCanonicalJSON):
        check_json(payload)
    with pytest.raises(NotCanonicalJSON):
        encode_payload(payload)


def test_a_literal_backslash_u0000_is_text_not_nul():
    assert encode_payload({"v": "\\u0000"}) == '{"v":"\\\\u0000"}'
