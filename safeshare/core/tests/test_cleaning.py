"""The one text rule (core/cleaning.py) and its walk over JSON (api/body.py)."""

import pytest

from safeshare.api.body import JSON_MAX_DEPTH, BodyRefused, clean_document
from safeshare.core.cleaning import clean_text, has_control_characters, without_invisible


@pytest.mark.parametrize("char", ["\x00", "\x01", "\x1f", "\x7f", "\x85", "\x9f", "\ud800"])
def test_control_characters_are_refused_in_any_text(char):
    assert has_control_characters(f"a{char}b", multiline=False)
    assert has_control_characters(f"a{char}b", multiline=True)


@pytest.mark.parametrize("char", ["\t", "\n", "\r"])
def test_tab_and_new_lines_are_allowed_in_multi_line_text_only(char):
    assert has_control_characters(f"a{char}b", multiline=False)
    assert not has_control_characters(f"a{char}b", multiline=True)


def test_invisible_formatting_is_removed_and_joiners_and_marks_are_kept():
    hostile = "\ufeffa\u200bb\u2060c\u202ad\u202be\u202cf\u202dg\u202eh\u2066i\u2067j\u2068k\u2069"
    assert without_invisible(hostile) == "abcdefghijk"
    kept = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645 \u200d \u200e \u200f é"
    assert without_invisible(kept) == kept


def test_services_clean_text_follows_the_same_rule():
    errors: dict = {}
    assert clean_text(" \u200bnote\u202e\n line ", field="f", label="the note", errors=errors) == (
        "note\n line"
    )
    assert not errors
    clean_text("bad\x00", field="f", label="the note", errors=errors)
    assert [e.code for e in errors["f"]] == ["control_character"]


def test_the_walk_keeps_order_and_shape_and_cleans_keys():
    document = {"b\u200b": [1, "x\u202e", {"c": None}], "a": {"d": [True, 2.5]}}
    assert clean_document(document) == {"b": [1, "x", {"c": None}], "a": {"d": [True, 2.5]}}
    assert list(clean_document(document)) == ["b", "a"]
    assert clean_document("\u200bx") == "x"


def test_the_walk_names_every_bad_field_and_the_depth():
    with pytest.raises(BodyRefused) as refused:
        clean_document({"a": ["ok", "\x00"], "b": {"c": "\x08"}})
    assert refused.value.status == 422
    assert sorted(e["field"] for e in refused.value.errors) == ["a.1", "b.c"]
    deep: list = []
    for _ in range(JSON_MAX_DEPTH):
        deep = [deep]
    with pytest.raises(BodyRefused) as refused:
        clean_document(deep)
    assert refused.value.status == 400
    assert refused.value.errors[0]["rule"] == "json_too_deep"
