"""Generated hostile values for the ledger's canonical encoding (issue #6).

test_canonical.py holds the round trip, top-level key order and a fixed list
of refused values. These add: key order at every depth, the same bytes from a
deep copy and from a second encoding, and floats, out-of-range integers and
non-string keys refused wherever in a payload they are hidden, by both the
checker and the fast encoder, with the path to the culprit named.
"""

import copy
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safeshare.ledger.canonical import (
    MAX_SAFE_INTEGER,
    NotCanonicalJSON,
    canonical_bytes,
    check_json,
    encode_payload,
)
from safeshare.ledger.tests.test_canonical import json_values, payloads, text


def _reorder(value):
    """The same JSON value with every object's keys in reverse order."""
    if isinstance(value, dict):
        return {k: _reorder(v) for k, v in reversed(list(value.items()))}
    if isinstance(value, list):
        return [_reorder(v) for v in value]
    return value


@given(payloads)
def test_key_order_at_any_depth_does_not_change_the_bytes(payload):
    assert canonical_bytes(_reorder(payload)) == canonical_bytes(payload)
    assert encode_payload(_reorder(payload)) == encode_payload(payload)


@given(payloads)
def test_bytes_are_stable_across_copies_and_encodings(payload):
    first = canonical_bytes(payload)

    assert canonical_bytes(copy.deepcopy(payload)) == first
    assert canonical_bytes(payload) == first
    assert json.loads(first) == payload
    assert canonical_bytes(json.loads(first)) == first


too_big = st.integers(min_value=MAX_SAFE_INTEGER + 1) | st.integers(max_value=-MAX_SAFE_INTEGER - 1)
floats = st.floats(allow_nan=True, allow_infinity=True)
bad_keys = st.integers() | st.booleans() | st.none() | st.floats(allow_nan=False)


def _hide(payload: dict, bad, data) -> tuple[dict, str]:
    """`payload` with `bad` nested up to three objects or arrays deep; and bad's path."""
    value, suffix = bad, ""
    for _ in range(data.draw(st.integers(0, 3))):
        if data.draw(st.booleans()):
            key = data.draw(text)
            value, suffix = {key: value}, f".{key}{suffix}"
        else:
            value, suffix = [None, value], f"[1]{suffix}"
    key = data.draw(text)
    return {**payload, key: value}, f"payload.{key}{suffix}"


@pytest.mark.parametrize("bad_values", [floats, too_big], ids=["float", "out-of-range int"])
def test_a_bad_number_anywhere_is_refused_naming_where(bad_values):
    @given(payload=payloads, bad=bad_values, data=st.data())
    def run(payload, bad, data):
        hidden, path = _hide(payload, bad, data)

        with pytest.raises(NotCanonicalJSON) as checked:
            check_json(hidden)
        with pytest.raises(NotCanonicalJSON) as encoded:
            encode_payload(hidden)

        assert str(checked.value) == str(encoded.value)
        assert str(checked.value).startswith(path + " ")

    run()


@given(payload=payloads, key=bad_keys, value=json_values, data=st.data())
def test_a_key_that_is_not_a_string_is_refused_anywhere(payload, key, value, data):
    hidden, path = _hide(payload, {key: value}, data)

    with pytest.raises(NotCanonicalJSON, match="key that is not a string"):
        check_json(hidden)
    with pytest.raises(NotCanonicalJSON, match="key that is not a string"):
        encode_payload(hidden)
