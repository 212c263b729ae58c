"""Consent API: disagreements about consent and a safeguarding lead's guidance (App. 2 Q4)."""

from ninja import Router, Status
from ninja.pagination import paginate

from safeshare.access.actions import Action
from safeshare.access.fetch.consent import get_conflict_for
from safeshare.consent import selectors
from safeshare.consent.api.schemas import (
    ConflictOut,
    GuidanceIn,
)
from safeshare.consent.api.shaping import (
    conflict_out,
)
from safeshare.consent.services import conflicts
from safeshare.core.paging import LimitOffset, Rows

router = Router(tags=["consent"])


@router.get("/conflicts", response=list[ConflictOut], operation_id="consent_conflicts_open")
@paginate(LimitOffset)
def consent_conflicts_open(request):
    """Disagreements at your agency awaiting a safeguarding lead's guidance, oldest first."""
    return Rows(selectors.conflicts_open(request.auth), lambda c: conflict_out(c, guided=False))


@router.get("/conflicts/{conflict_id}", response=ConflictOut, operation_id="consent_conflict_get")
def consent_conflict_get(request, conflict_id: str):
    """A disagreement about consent at your agency, with any guidance on it."""
    conflict = get_conflict_for(request.auth, conflict_id, action=Action.CONSENT_CONFLICT_VIEW)
    return conflict_out(conflict, guided=True)


@router.post(
    "/conflicts/{conflict_id}/guidance",
    response={201: ConflictOut},
    operation_id="consent_conflict_guide",
)
def consent_conflict_guide(request, conflict_id: str, payload: GuidanceIn):
    """A safeguarding lead's guidance on a disagreement, and its outcome (App. 2 Q4)."""
    user = request.auth
    conflict = get_conflict_for(user, conflict_id, action=Action.CONSENT_CONFLICT_VIEW)
    conflicts.conflict_guide(actor=user, conflict=conflict, **payload.dict())
    return Status(
        201,
        conflict_out(
            get_conflict_for(user, conflict.pk, action=Action.CONSENT_CONFLICT_VIEW), guided=True
        ),
    )
