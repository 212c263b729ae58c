"""Consent API: capacity assessments (App. 2 Q4; Mental Capacity Act 2005)."""

from ninja import Router, Status

from safeshare.access.actions import Action
from safeshare.access.fetch.people import get_person_for
from safeshare.access.policy import require
from safeshare.access.rules.consent import ConsentTarget
from safeshare.consent import selectors
from safeshare.consent.api.schemas import (
    CapacityIn,
    CapacityOut,
)
from safeshare.consent.api.shaping import (
    body_person,
    capacity_out,
)
from safeshare.consent.services import capacity
from safeshare.core.errors import Errors, raise_if

router = Router(tags=["consent"])


@router.post(
    "/capacity-assessments", response={201: CapacityOut}, operation_id="consent_capacity_assess"
)
def consent_capacity_assess(request, payload: CapacityIn):
    """Record whether the child, or a person with parental responsibility, can understand
    and decide about sharing (App. 2 Q4; Mental Capacity Act 2005)."""
    user = request.auth
    errors: Errors = {}
    child = body_person(user, errors, "child_id", payload.child_id)
    if child is not None:
        require(user, Action.CAPACITY_ASSESS, ConsentTarget(child=child))
    person = body_person(user, errors, "person_id", payload.person_id)
    raise_if(errors)
    assessment = capacity.capacity_assess(
        actor=user,
        child=child,
        person=person,
        assessed_at=payload.assessed_at,
        conclusion=payload.conclusion,
        notes=payload.notes,
    )
    return Status(201, capacity_out(assessment, child))


@router.get(
    "/children/{child_id}/capacity-assessments",
    response=list[CapacityOut],
    operation_id="consent_capacity_list",
)
def consent_capacity_list(request, child_id: str):
    """Your agency's capacity assessments about a child and the people around them."""
    child = get_person_for(request.auth, child_id, action=Action.PERSON_VIEW)
    return [capacity_out(a, child) for a in selectors.capacity_assessments_for(request.auth, child)]
