"""Bad input to every operation that takes input: a problem document naming the
field and the rule, and nothing changed (no rows, no ledger entries)."""

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
