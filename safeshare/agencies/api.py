"""Agencies API: who am I, and the partnership's signatories."""

from datetime import date
from typing import Any

from ninja import Router, Schema

from safeshare.access.actions import Action
from safeshare.access.policy import can
from safeshare.agencies.backends import AuthenticatedRequest
from safeshare.agencies.selectors import agency_list
from safeshare.core.errors import Forbidden

router = Router(tags=["agencies"])


class MeOut(Schema):
    id: str
    username: str
    agency_id: str | None
    agency_name: str | None
    roles: list[str]


class AgencyOut(Schema):
    id: str
    name: str
    code: str
    agency_type: str
    partner_status: str
    ico_registration_number: str
    signed_on: date | None
    reaffirmation_due: date | None
    is_front_door: bool


@router.get("/me", response=MeOut, operation_id="agencies_me")
def agencies_me(request: AuthenticatedRequest) -> dict[str, Any]:
    """The signed-in user, their agency and roles (read fresh on every request)."""
    user = request.auth
    agency = user.agency
    return {
        "id": str(user.id),
        "username": user.username,
        "agency_id": str(agency.id) if agency else None,
        "agency_name": agency.name if agency else None,
        "roles": sorted(user.roles),
    }


@router.get("", response=list[AgencyOut], operation_id="agencies_list")
def agencies_list(request: AuthenticatedRequest) -> list[dict[str, Any]]:
    """The signatory agencies (Protocol App. 5); no case content."""
    if not can(request.auth, Action.AGENCY_VIEW):
        raise Forbidden()
    return [
        {
            "id": str(a.id),
            "name": a.name,
            "code": a.code,
            "agency_type": a.agency_type,
            "partner_status": a.partner_status,
            "ico_registration_number": a.ico_registration_number,
            "signed_on": a.signed_on,
            "reaffirmation_due": a.reaffirmation_due,
            "is_front_door": a.is_front_door,
        }
        for a in agency_list()
    ]
