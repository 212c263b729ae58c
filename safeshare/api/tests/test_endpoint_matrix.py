"""Every API operation × role × relation, asserted by HTTP status.

A record the user may not see answers 404 exactly like a missing one; a
visible record with a forbidden action answers 403. The expected cells come
from the hand-written table in access/tests/test_matrix.py. A test below fails
when an operation is added to the API without a row here.
"""

import uuid
from datetime import timedelta

import pytest

from safeshare.access.actions import Action, Relation
from safeshare.access.tests.coverage import covered
from safeshare.access.tests.helpers import person_for
from safeshare.access.tests.test_matrix import EXPECTED_PERSON, world  # noqa: F401
from safeshare.agencies.models import Role
from safeshare.agencies.tests.factories import staff
from safeshare.api.api import api
from safeshare.api.services import token_issue
from safeshare.api.tests.helpers import two_factor_client
from safeshare.people.identity import read_identity
from safeshare.people.models import PersonKind

pytestmark = pytest.mark.django_db

CASE_ROLES = {
    Role.PRACTITIONER,
    Role.SAFEGUARDING_LEAD,
    Role.LEAD_INFORMATION_OFFICER,
    Role.DATA_PROTECTION_OFFICER,
}


def _identity_body(n: int) -> dict:
    return {
        "given_name": f"Rowan{n}",
        "family_name": "Testfamily",
        "date_of_birth": f"2016-03-0{n % 9 + 1}",
    }


def _manages_tokens(role, relation, allowed, denied):
    return allowed if role == Role.ADMINISTRATOR and relation != Relation.NONE else denied


def _person_status(role, relation, action, success):
    visible = role in EXPECTED_PERSON[(relation, Action.PERSON_VIEW)]
    if not visible:
        return 404
    return success if role in EXPECTED_PERSON[(relation, action)] else 403


# operation id -> (method, path, body(person, helper), expected(role, relation) -> status)
def _rows(world):  # noqa: F811
    def on_person(method, suffix, action, success, body=None):
        def call(client, person, helper):
            data = body(person, helper) if body else None
            path = f"/api/v1/people/{person.id}{suffix}"
            # Edits that replace a value name the version they start from.
            person.refresh_from_db()
            headers = {"If-Match": f'"identity-v{person.identity_version}"'}
            return getattr(client, method)(
                path, data, content_type="application/json", headers=headers
            )

        return call, lambda role, relation: _person_status(role, relation, action, success)

    return {
        "agencies_me": (
            lambda client, person, helper: client.get("/api/v1/agencies/me"),
            lambda role, relation: 200,
        ),
        "agencies_list": (
            lambda client, person, helper: client.get("/api/v1/agencies"),
            lambda role, relation: 403 if relation == Relation.NONE else 200,
        ),
        "tokens_issue": (
            lambda client, person, helper: client.post(
                "/api/v1/tokens", {"label": "x", "days": 1}, content_type="application/json"
            ),
            lambda role, relation: 201,
        ),
        # Tokens are no case content: an administrator (active) manages anyone's,
        # everyone else only their own, and another user's token is not found.
        "tokens_list": (
            lambda client, person, helper: client.get(
                "/api/v1/tokens", {"user_id": str(helper["colleague_token"].user_id)}
            ),
            lambda role, relation: _manages_tokens(role, relation, 200, 403),
        ),
        "tokens_revoke": (
            lambda client, person, helper: client.post(
                f"/api/v1/tokens/{helper['colleague_token'].id}/revoke"
            ),
            lambda role, relation: _manages_tokens(role, relation, 200, 404),
        ),
        "tokens_rotate": (
            lambda client, person, helper: client.post(
                f"/api/v1/tokens/{helper['own_token'].id}/rotate",
                {},
                content_type="application/json",
            ),
            lambda role, relation: 201,
        ),
        "people_create": (
            lambda client, person, helper: client.post(
                "/api/v1/people",
                {"kind": PersonKind.CHILD, **_identity_body(helper["n"])},
                content_type="application/json",
            ),
            lambda role, relation: (
                201
                if relation != Relation.NONE and role in {Role.PRACTITIONER, Role.SAFEGUARDING_LEAD}
                else 403
            ),
        ),
        "people_get": on_person("get", "", Action.PERSON_VIEW, 200),
        "people_update_identity": on_person(
            "put", "/identity", Action.PERSON_EDIT, 200, lambda p, h: _identity_body(h["n"])
        ),
        "people_relationships_record": on_person(
            "post",
            "/relationships",
            Action.PERSON_EDIT,
            201,
            lambda p, h: {
                "related_person_id": str(h["relative"].id),
                "relationship_type": "sibling",
            },
        ),
        "people_shred": on_person(
            "post", "/shred", Action.PERSON_SHRED, 200, lambda p, h: {"reason": "erasure_request"}
        ),
        "people_search": (
            lambda client, person, helper: client.post(
                "/api/v1/people/search", helper["search"], content_type="application/json"
            ),
            lambda role, relation: 200,
        ),
    }


def _operation_ids() -> set[str]:
    schema = api.get_openapi_schema()
    return {
        operation["operationId"]
        for methods in schema["paths"].values()
        for operation in methods.values()
    }


OPERATIONS = [
    "agencies_me",
    "agencies_list",
    "tokens_issue",
    "tokens_list",
    "tokens_revoke",
    "tokens_rotate",
    "people_create",
    "people_get",
    "people_update_identity",
    "people_relationships_record",
    "people_shred",
    "people_search",
]


def test_every_operation_has_a_matrix_row(world):  # noqa: F811
    assert set(_rows(world)) == set(OPERATIONS)
    assert _operation_ids() == set(OPERATIONS) | covered("test_api_matrix", "MATRIX_OPERATIONS")


@pytest.mark.parametrize("operation", OPERATIONS)
@pytest.mark.parametrize("role", list(Role))
def test_operation_matrix(operation, role, world):  # noqa: F811
    call, expected = _rows(world)[operation]
    failures = []
    for n, relation in enumerate(Relation):
        user = staff(role, agency=world["home"], active=relation != Relation.NONE)
        person = world["records"].get(relation, world["records"][Relation.OWN_AGENCY])
        # A sibling the home agency also works with, for relationship rows.
        relative = person_for(world["author_home"])
        helper = {
            "n": n,
            "relative": relative,
            "search": {"nhs_number": "9434765919"},
            "own_token": token_issue(actor=user, label="own", lifetime=timedelta(days=1))[0],
            "colleague_token": token_issue(
                actor=staff(Role.PRACTITIONER, agency=world["home"]),
                label="colleague",
                lifetime=timedelta(days=1),
            )[0],
        }
        response = call(two_factor_client(user), person, helper)
        if response.status_code != expected(role, relation):
            failures.append((relation, response.status_code, expected(role, relation)))
    assert failures == []


def test_missing_and_out_of_scope_answer_identically(world):  # noqa: F811
    user = staff(Role.PRACTITIONER, agency=world["home"])
    client = two_factor_client(user)
    missing = client.get(f"/api/v1/people/{uuid.uuid4()}")
    hidden = client.get(f"/api/v1/people/{world['records'][Relation.OTHER_AGENCY].id}")
    malformed = client.get("/api/v1/people/not-a-uuid")
    assert missing.status_code == hidden.status_code == malformed.status_code == 404
    assert missing.content == hidden.content == malformed.content
    assert missing["Content-Type"] == hidden["Content-Type"] == "application/problem+json"


def test_search_finds_only_what_the_user_may_see(world):  # noqa: F811
    user = staff(Role.PRACTITIONER, agency=world["home"])
    client = two_factor_client(user)
    for relation, person in world["records"].items():
        identity = read_identity(person)
        body = {
            "given_name": identity.given_name,
            "family_name": identity.family_name,
            "date_of_birth": identity.date_of_birth.isoformat(),
        }
        found = client.post("/api/v1/people/search", body, content_type="application/json")
        ids = [row["id"] for row in found.json()]
        assert (str(person.id) in ids) == (relation != Relation.OTHER_AGENCY), relation
