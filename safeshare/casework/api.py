"""Casework API operations, mounted beside the consent API (`/api/v1/consents`) after its
router. Adapters only (STYLE §2): resolve ids through `access`, call one flow, shape
the reply."""

from typing import Any

from ninja import Router, Status

from safeshare.access.actions import Action
from safeshare.access.fetch.consent import get_consent_for
from safeshare.agencies.backends import AuthenticatedRequest
from safeshare.casework.withdrawal import consent_withdraw_and_tell
from safeshare.consent.api.schemas import ConsentOut, WithdrawalIn
from safeshare.consent.api.shaping import consent_out, in_force_ids

router = Router(tags=["consent"])


@router.post(
    "/{consent_id}/withdrawal", response={201: ConsentOut}, operation_id="consent_withdraw"
)
def consent_withdraw(
    request: AuthenticatedRequest, consent_id: str, payload: WithdrawalIn
) -> Status[dict[str, Any]]:
    """Record that consent was withdrawn: no new share may rely on it, and each agency that
    received information under it is told (App. 2 Q4)."""
    user = request.auth
    consent = get_consent_for(user, consent_id, action=Action.CONSENT_VIEW)
    consent_withdraw_and_tell(actor=user, consent=consent, **payload.dict())
    withdrawn = get_consent_for(user, consent.pk, action=Action.CONSENT_VIEW)
    return Status(
        201, consent_out(withdrawn, consent.child, in_force_ids(consent.child, consent.agency))
    )
