"""People API: create, read, search and relate data subjects; erase by crypto-shredding.

Searches are POSTs so that names, dates of birth and NHS numbers never appear
in a URL or an access log line.
"""

import datetime
import re
import uuid

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema, Status

from safeshare.access.actions import Action
from safeshare.access.fetch.people import get_person_for
from safeshare.access.policy import person_relation, require
from safeshare.core.errors import PreconditionRequired, VersionConflict, version_etag
from safeshare.people import selectors
from safeshare.people.models import IdentityField, Person, PersonKind, RelationshipType
from safeshare.people.services.people import (
    ShredReason,
    person_create,
    person_shred,
    person_update_identity,
)
from safeshare.people.services.relationships import relationship_record

router = Router(tags=["people"])

NAME = Field(min_length=1, max_length=200)


class PersonCreateIn(Schema):
    kind: PersonKind
    given_name: str = NAME
    family_name: str = NAME
    date_of_birth: datetime.date
    nhs_number: str | None = Field(default=None, max_length=20)


class PersonIdentityIn(Schema):
    given_name: str = NAME
    family_name: str = NAME
    date_of_birth: datetime.date
    nhs_number: str | None = Field(default=None, max_length=20)


class PersonOut(Schema):
    id: uuid.UUID
    kind: str
    erased: bool
    display_name: str
    given_name: str | None
    family_name: str | None
    date_of_birth: datetime.date | None
    nhs_number: str | None
    relation: str
    withheld: list[IdentityField] = Field(
        description=(
            "Identity fields not shared with your agency (null above whether known or not):"
            " a recipient sees only what the shares it received carry."
        )
    )


class PersonSearchIn(Schema):
    nhs_number: str | None = Field(default=None, max_length=20)
    given_name: str | None = Field(default=None, max_length=200)
    family_name: str | None = Field(default=None, max_length=200)
    date_of_birth: datetime.date | None = None


class RelationshipIn(Schema):
    related_person_id: uuid.UUID
    relationship_type: RelationshipType
    has_parental_responsibility: bool = False
    started_on: datetime.date | None = None


class RelationshipOut(Schema):
    id: uuid.UUID
    person_id: uuid.UUID
    related_person_id: uuid.UUID
    relationship_type: str
    has_parental_responsibility: bool


class ShredIn(Schema):
    reason: ShredReason


def _person_out(user, person: Person) -> dict:
    identity = selectors.person_identity_for(user, person)
    return {
        "id": person.id,
        "kind": person.kind,
        "erased": identity.erased,
        "display_name": identity.display_name,
        "given_name": identity.given_name,
        "family_name": identity.family_name,
        "date_of_birth": identity.date_of_birth,
        "nhs_number": identity.nhs_number,
        "relation": person_relation(user, person),
        "withheld": sorted(identity.withheld),
    }


# --- versions: the identity's ETag and If-Match ------------------------------------------

_IDENTITY_ETAG = re.compile(r'"identity-v([1-9][0-9]{0,9})"')
_PROBLEM = {"application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
_ETAG_HEADER = {
    "ETag": {
        "description": "The version of the person's identity, to send back in If-Match.",
        "schema": {"type": "string", "pattern": _IDENTITY_ETAG.pattern},
    }
}
IDENTITY_EDIT_OPENAPI = {
    "parameters": [
        {
            "in": "header",
            "name": "If-Match",
            "required": True,
            "description": (
                "The ETag of the identity you are correcting, as GET /people/{person_id} "
                "gave it. Refused with 412 if the identity changed since (the problem "
                "names the fields and carries the current ETag), 428 if missing."
            ),
            "schema": {"type": "string", "maxLength": 100},
        }
    ],
    "responses": {
        200: {"headers": _ETAG_HEADER},
        412: {"description": "The identity changed since that ETag", "content": _PROBLEM},
        428: {"description": "If-Match is missing", "content": _PROBLEM},
    },
}


def _send_identity_etag(response: HttpResponse, person: Person) -> None:
    response.headers["ETag"] = version_etag("identity", person.identity_version)


def _if_match_version(request: HttpRequest, person: Person) -> int:
    """The identity version the client edits from: one strong ETag we issued (RFC 9110 13.1.1).

    Missing (or ``*``, which would match any version) is 428; anything else that
    is not one of our tags cannot match the current version, so it is 412.
    """
    header = request.headers.get("If-Match", "").strip()
    if header in ("", "*"):
        raise PreconditionRequired("If-Match")
    match = _IDENTITY_ETAG.fullmatch(header)
    if match is None:
        raise VersionConflict(noun="identity", changed=[], current_version=person.identity_version)
    return int(match.group(1))


@router.post("", response={201: PersonOut}, operation_id="people_create")
def people_create(request, payload: PersonCreateIn):
    """Record a person your agency works with (their identity is encrypted at rest)."""
    user = request.auth
    agency = user.agency
    require(user, Action.PERSON_CREATE, agency)
    person = person_create(actor=user, agency=agency, **payload.dict())
    return Status(201, _person_out(user, person))


# Declared before the /{person_id} routes so that "search" is not read as an id.
@router.post("/search", response=list[PersonOut], operation_id="people_search")
def people_search(request, payload: PersonSearchIn):
    """Exact match by NHS number, or by name and date of birth, among people you may see."""
    user = request.auth
    people = selectors.person_search(
        user,
        nhs_number=payload.nhs_number,
        given_name=payload.given_name,
        family_name=payload.family_name,
        date_of_birth=payload.date_of_birth,
    )
    return [_person_out(user, person) for person in people]


@router.get(
    "/{person_id}",
    response=PersonOut,
    operation_id="people_get",
    openapi_extra={"responses": {200: {"headers": _ETAG_HEADER}}},
)
def people_get(request, person_id: str, response: HttpResponse):
    """A person your agency works with or received a share about (ETag: its identity version)."""
    person = get_person_for(request.auth, person_id, action=Action.PERSON_VIEW)
    _send_identity_etag(response, person)
    return _person_out(request.auth, person)


@router.put(
    "/{person_id}/identity",
    response=PersonOut,
    operation_id="people_update_identity",
    openapi_extra=IDENTITY_EDIT_OPENAPI,
)
def people_update_identity(
    request, person_id: str, payload: PersonIdentityIn, response: HttpResponse
):
    """Correct a person's identity fields (Protocol 5.2: accurate and up to date).

    Send the ETag you read in If-Match: a correction made by someone else since
    is never overwritten (412 names the fields it changed).
    """
    person = get_person_for(request.auth, person_id, action=Action.PERSON_EDIT)
    person = person_update_identity(
        actor=request.auth,
        person=person,
        expected_version=_if_match_version(request, person),
        **payload.dict(),
    )
    _send_identity_etag(response, person)
    return _person_out(request.auth, person)


@router.post(
    "/{person_id}/relationships",
    response={201: RelationshipOut},
    operation_id="people_relationships_record",
)
def people_relationships_record(request, person_id: str, payload: RelationshipIn):
    """Record that the related person is this person's parent, carer, sibling, ..."""
    person = get_person_for(request.auth, person_id, action=Action.PERSON_EDIT)
    related = get_person_for(request.auth, payload.related_person_id, action=Action.PERSON_VIEW)
    relationship = relationship_record(
        actor=request.auth,
        person=person,
        related_person=related,
        relationship_type=payload.relationship_type,
        has_parental_responsibility=payload.has_parental_responsibility,
        started_on=payload.started_on,
    )
    return Status(
        201,
        {
            "id": relationship.id,
            "person_id": relationship.person_id,
            "related_person_id": relationship.related_person_id,
            "relationship_type": relationship.relationship_type,
            "has_parental_responsibility": relationship.has_parental_responsibility,
        },
    )


@router.post("/{person_id}/shred", response=PersonOut, operation_id="people_shred")
def people_shred(request, person_id: str, payload: ShredIn):
    """Erase a person by destroying their data key (crypto-shredding); a tombstone stays."""
    person = get_person_for(request.auth, person_id, action=Action.PERSON_SHRED)
    person = person_shred(actor=request.auth, person=person, reason=payload.reason)
    return _person_out(request.auth, person)
