"""Bad input to every operation that takes input: a problem document naming the
field and the rule, and nothing changed (no rows, no ledger entries)."""

import io
import json

import pytest

from safeshare.access.tests.helpers import person_for
from safeshare.agencies.models import Role
from safeshare.agencies.tests.factories import staff
from safeshare.api.models import ApiToken
from safeshare.api.tests.helpers import assert_problem, two_factor_client
from safeshare.ledger.models import Entry
from safeshare.people.models import Person, Relationship

pytestmark = pytest.mark.django_db

GOOD_PERSON = {
    "kind": "child",
    "given_name": "Rowan",
    "family_name": "Testfamily",
    "date_of_birth": "2016-03-04",
}


def snapshot():
    return (
        Person.objects.count(),
        Relationship.objects.count(),
        ApiToken.objects.count(),
        Entry.objects.count(),
        sorted(Person.objects.values_list("updated_at", flat=True)),
    )


CASES = [
    # (operation, path, method, body, field)
    ("people_create", "", "post", {**GOOD_PERSON, "kind": "dragon"}, "kind"),
    ("people_create", "", "post", {**GOOD_PERSON, "given_name": ""}, "given_name"),
    ("people_create", "", "post", {**GOOD_PERSON, "given_name": "   "}, "given_name"),
    (
        "people_create",
        "",
        "post",
        {k: v for k, v in GOOD_PERSON.items() if k != "family_name"},
        "family_name",
    ),
    ("people_create", "", "post", {**GOOD_PERSON, "date_of_birth": "2016-02-30"}, "date_of_birth"),
    ("people_create", "", "post", {**GOOD_PERSON, "date_of_birth": "2999-01-01"}, "date_of_birth"),
    ("people_create", "", "post", {**GOOD_PERSON, "nhs_number": "1234567890"}, "nhs_number"),
    ("people_create", "", "post", {**GOOD_PERSON, "nhs_number": "abc"}, "nhs_number"),
    ("people_create", "", "post", {**GOOD_PERSON, "given_name": "x" * 201}, "given_name"),
    (
        "people_update_identity",
        "/{id}/identity",
        "put",
        {"given_name": "A", "family_name": "B", "date_of_birth": "not a date"},
        "date_of_birth",
    ),
    (
        "people_update_identity",
        "/{id}/identity",
        "put",
        {"given_name": "", "family_name": "B", "date_of_birth": "2016-01-01"},
        "given_name",
    ),
    (
        "people_relationships_record",
        "/{id}/relationships",
        "post",
        {"related_person_id": "not-a-uuid", "relationship_type": "sibling"},
        "related_person_id",
    ),
    (
        "people_relationships_record",
        "/{id}/relationships",
        "post",
        {"related_person_id": "{relative}", "relationship_type": "cousin-ish"},
        "relationship_type",
    ),
    (
        "people_relationships_record",
        "/{id}/relationships",
        "post",
        {"related_person_id": "{id}", "relationship_type": "sibling"},
        "related_person",
    ),
    ("people_shred", "/{id}/shred", "post", {"reason": "because"}, "reason"),
    ("people_shred", "/{id}/shred", "post", {}, "reason"),
    ("people_search", "/search", "post", {}, "nhs_number"),
    ("people_search", "/search", "post", {"nhs_number": "9434765918"}, "nhs_number"),
    (
        "people_search",
        "/search",
        "post",
        {"given_name": "A", "family_name": "", "date_of_birth": "2016-01-01"},
        "family_name",
    ),
    ("people_search", "/search", "post", {"given_name": "A", "family_name": "B"}, "date_of_birth"),
    # The text rule (core/cleaning.py): control characters are refused in any string.
    ("people_create", "", "post", {**GOOD_PERSON, "given_name": "Ro\x00wan"}, "given_name"),
    ("people_create", "", "post", {**GOOD_PERSON, "family_name": "Test\x1b[31m"}, "family_name"),
    ("people_create", "", "post", {**GOOD_PERSON, "family_name": "Test\x85family"}, "family_name"),
    ("people_create", "", "post", {**GOOD_PERSON, "given_name": "Ro\ud800wan"}, "given_name"),
    (
        "people_search",
        "/search",
        "post",
        {"given_name": "A", "family_name": "B\x07", "date_of_birth": "2016-01-01"},
        "family_name",
    ),
]


@pytest.mark.parametrize("operation,path,method,body,field", CASES)
def test_bad_input_is_a_field_named_problem_and_changes_nothing(
    operation, path, method, body, field
):
    home_roles = [Role.PRACTITIONER, Role.DATA_PROTECTION_OFFICER]
    author = staff(*home_roles)
    person, relative = person_for(author), person_for(author)
    replacements = {"{id}": str(person.id), "{relative}": str(relative.id)}
    for key, value in list(body.items()):
        if value in replacements:
            body[key] = replacements[value]
    url = "/api/v1/people" + path.replace("{id}", str(person.id))
    client = two_factor_client(author)
    before = snapshot()
    response = getattr(client, method)(url, body, content_type="application/json")
    assert_problem(response, 422, field)
    assert snapshot() == before
    # The problem never echoes submitted values (they may be personal data).
    for value in body.values():
        if isinstance(value, str) and len(value.strip()) > 3:
            assert value not in response.content.decode()


@pytest.mark.parametrize(
    "raw", ["{not json", "[]", '"a string"', "null", '{"kind": "child", "given_name": 5}']
)
def test_malformed_bodies_are_problems_not_500s(raw):
    author = staff(Role.PRACTITIONER)
    client = two_factor_client(author)
    before = snapshot()
    response = client.post("/api/v1/people", raw, content_type="application/json")
    assert response.status_code in (400, 422)
    assert response["Content-Type"].startswith("application/problem+json")
    assert snapshot() == before


def test_duplicate_nhs_number_is_refused_by_field():
    author = staff(Role.PRACTITIONER)
    client = two_factor_client(author)
    body = {**GOOD_PERSON, "nhs_number": "943 476 5919"}
    assert client.post("/api/v1/people", body, content_type="application/json").status_code == 201
    before = snapshot()
    again = client.post(
        "/api/v1/people", {**body, "given_name": "Other"}, content_type="application/json"
    )
    assert_problem(again, 422, "nhs_number")
    assert snapshot() == before


# --- Hostile requests: refused before the schema, nothing changed (issue #11) ---------


def _post_raw(client, raw: bytes, content_type: str = "application/json", path: str = ""):
    return client.generic("POST", f"/api/v1/people{path}", raw, content_type=content_type)


def _creates_a_person(client) -> None:
    """The worker still answers: a normal request right after succeeds."""
    response = client.post("/api/v1/people", GOOD_PERSON, content_type="application/json")
    assert response.status_code == 201, response.content


def test_a_control_character_deep_in_the_body_is_named_by_its_path():
    client = two_factor_client(staff(Role.PRACTITIONER))
    before = snapshot()
    body = {**GOOD_PERSON, "extra": {"deep": ["fine", "bad\x00"]}, "\x01key": 1}
    response = client.post("/api/v1/people", body, content_type="application/json")
    problem = assert_problem(response, 422, "extra.deep.1")
    rules = {error["field"]: error["rule"] for error in problem["errors"]}
    assert rules == {"extra.deep.1": "control_character", "\x01key": "control_character"}
    assert snapshot() == before


def test_invisible_formatting_is_removed_and_joiners_are_kept():
    from safeshare.people.identity import read_identity

    client = two_factor_client(staff(Role.PRACTITIONER))
    body = {
        **GOOD_PERSON,
        "given_name": "\ufeffRo\u200bwan\u202e",
        "family_name": "\u2067Test\u200dfamily\u2069",
    }
    response = client.post("/api/v1/people", body, content_type="application/json")
    assert response.status_code == 201, response.content
    identity = read_identity(Person.objects.get(pk=response.json()["id"]))
    assert identity.given_name == "Rowan"
    assert identity.family_name == "Test\u200dfamily"  # the zero-width joiner is spelling
    assert Entry.objects.filter(kind="person.created").count() == 1


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "application/json; charset=latin-1", ""],
)
def test_a_body_that_is_not_declared_json_is_415(content_type):
    client = two_factor_client(staff(Role.PRACTITIONER))
    before = snapshot()
    raw = json.dumps(GOOD_PERSON).encode()
    response = _post_raw(client, raw, content_type)
    problem = assert_problem(response, 415, "Content-Type")
    assert problem["type"] == "urn:safeshare:problem:unsupported-media-type"
    assert snapshot() == before


@pytest.mark.parametrize(
    "content_type", ["application/json; charset=utf-8", "application/merge-patch+json"]
)
def test_json_media_types_are_accepted(content_type):
    client = two_factor_client(staff(Role.PRACTITIONER))
    response = _post_raw(client, json.dumps(GOOD_PERSON).encode(), content_type)
    assert response.status_code == 201, response.content


@pytest.mark.parametrize(
    "raw,rule",
    [
        (b'{"kind": "child", "given_name": "\xff\xfe"}', "utf8_invalid"),
        ('{"given_name": "Rowan"}'.encode("utf-16"), "utf8_invalid"),
        (b'{"kind": NaN}', "json_invalid"),
        (b'{"kind": "child", "n": ' + b"9" * 5000 + b"}", "json_invalid"),
        (b"[" * 33 + b"]" * 33, "json_too_deep"),
        (b'{"a": ' * 40 + b"1" + b"}" * 40, "json_too_deep"),
        (b"[" * 100_000 + b"]" * 100_000, "json_too_deep"),  # past Python's recursion limit
    ],
)
def test_unreadable_bodies_are_400_naming_the_rule_and_the_worker_stays_up(raw, rule):
    client = two_factor_client(staff(Role.PRACTITIONER))
    before = snapshot()
    problem = assert_problem(_post_raw(client, raw), 400)
    assert [error["rule"] for error in problem["errors"]] == [rule]
    assert snapshot() == before
    _creates_a_person(client)


def test_nesting_up_to_the_limit_reaches_the_schema():
    client = two_factor_client(staff(Role.PRACTITIONER))
    nested = b'{"kind": "child", "x": ' + b"[" * 31 + b"]" * 31 + b"}"
    response = _post_raw(client, nested)
    assert response.status_code == 422  # refused by the schema (no such field), not the depth


@pytest.mark.parametrize(
    "raw",
    [
        b'{"kind": "child", "x": [' + b"0," * 400_000 + b"0]}",
        b"{" + b",".join(b'"k%d": 0' % n for n in range(80_000)) + b"}",
    ],
)
def test_a_huge_number_of_values_within_the_limit_is_refused_and_the_worker_stays_up(raw):
    assert len(raw) < 1024 * 1024
    client = two_factor_client(staff(Role.PRACTITIONER))
    before = snapshot()
    assert _post_raw(client, raw).status_code == 422
    assert snapshot() == before
    _creates_a_person(client)


def test_a_body_over_one_mebibyte_is_413_before_it_is_read():
    client = two_factor_client(staff(Role.PRACTITIONER))
    before = snapshot()
    raw = json.dumps({**GOOD_PERSON, "given_name": "x" * (1024 * 1024)}).encode()
    problem = assert_problem(_post_raw(client, raw), 413)
    assert problem["type"] == "urn:safeshare:problem:body-too-large"
    assert snapshot() == before
    _creates_a_person(client)


def test_a_chunked_body_is_read_only_up_to_the_limit():
    client = two_factor_client(staff(Role.PRACTITIONER))
    before = snapshot()

    def chunked(raw: bytes):
        return client.generic(
            "POST",
            "/api/v1/people",
            b"",
            content_type="application/json",
            CONTENT_LENGTH="",
            CONTENT_TYPE="application/json",
            HTTP_TRANSFER_ENCODING="chunked",
            **{"wsgi.input": io.BytesIO(raw)},
        )

    assert_problem(chunked(b"[" + b"0," * (1024 * 1024) + b"0]"), 413)
    assert snapshot() == before
    # Within the limit, the body reaches the operation (Django alone would read none of it).
    assert chunked(json.dumps(GOOD_PERSON).encode()).status_code == 201


def test_djangos_own_body_limit_is_a_413_problem_too(settings):
    settings.SAFESHARE_REQUEST_BODY_MAX_BYTES = 10 * 1024 * 1024
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    client = two_factor_client(staff(Role.PRACTITIONER))
    before = snapshot()
    raw = json.dumps({**GOOD_PERSON, "given_name": "x" * 2048}).encode()
    assert_problem(_post_raw(client, raw), 413)
    assert snapshot() == before


def test_a_content_length_that_is_not_a_number_is_400():
    client = two_factor_client(staff(Role.PRACTITIONER))
    response = client.generic(
        "POST", "/api/v1/people", b"{}", content_type="application/json", CONTENT_LENGTH="-1"
    )
    assert_problem(response, 400)


def test_unknown_query_parameters_are_refused_naming_each():
    client = two_factor_client(staff(Role.PRACTITIONER))
    response = client.get("/api/v1/requests/inbox?limit=5&colour=red&debug=1")
    problem = assert_problem(response, 400, "colour")
    assert [(e["field"], e["rule"]) for e in problem["errors"]] == [
        ("colour", "query_unknown"),
        ("debug", "query_unknown"),
    ]
    assert client.get("/api/v1/requests/inbox?limit=5&offset=0").status_code == 200
    assert_problem(client.get("/api/v1/agencies/me?expand=all"), 400, "expand")


def test_an_unknown_query_parameter_on_a_write_changes_nothing():
    client = two_factor_client(staff(Role.PRACTITIONER))
    before = snapshot()
    response = client.post("/api/v1/people?dry_run=1", GOOD_PERSON, content_type="application/json")
    assert_problem(response, 400, "dry_run")
    assert snapshot() == before


def test_a_control_character_in_a_query_value_is_named():
    client = two_factor_client(staff(Role.PRACTITIONER))
    problem = assert_problem(client.get("/api/v1/requests/inbox?limit=5%00"), 422, "limit")
    assert problem["errors"][0]["rule"] == "control_character"
