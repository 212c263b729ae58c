"""The recipient's decision on continued use after the consent behind a share is withdrawn
(issue #5 item 4). Mounted beside the consent API (`/api/v1/consents/continued-uses`),
before its router so the path is not read as a consent id."""

import datetime
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from ninja import Field, Router, Schema, Status

from safeshare.access.actions import Action
from safeshare.access.fetch.exchange import get_share_for
from safeshare.agencies.backends import AuthenticatedRequest
from safeshare.core.errors import NotFound
from safeshare.core.sealed import ErasedText
from safeshare.exchange import services
from safeshare.exchange.models import ContinuedUse, ContinuedUseDecision

router = Router(tags=["consent"])
TEXT = Field(default="", max_length=10_000)


def _text(value: str | ErasedText | None) -> str | None:
    return None if value is None or isinstance(value, ErasedText) else str(value)


class ContinuedUseIn(Schema):
    share_id: uuid.UUID = Field(description="A share your agency received under the consent.")
    decision: ContinuedUseDecision
    reasons: str = TEXT


class ContinuedUseOut(Schema):
    id: uuid.UUID
    share_id: uuid.UUID
    recipient_agency_id: uuid.UUID
    withdrawal_id: uuid.UUID
    decision: str
    reasons: str | None
    decided_by_id: uuid.UUID
    decided_at: datetime.datetime


@router.post(
    "/continued-uses", response={201: ContinuedUseOut}, operation_id="consent_continued_use_record"
)
def consent_continued_use_record(
    request: AuthenticatedRequest, payload: ContinuedUseIn
) -> Status[dict[str, Any]]:
    """Your agency's decision on information it received under a consent since withdrawn."""
    user = request.auth
    try:
        share = get_share_for(user, payload.share_id, action=Action.SHARE_VIEW)
    except NotFound as missing:
        message = "Choose a share your agency received."
        raise ValidationError(
            {"share_id": [ValidationError(message, code="unknown_share")]}
        ) from missing
    use: ContinuedUse = services.continued_use_record(
        actor=user, share=share, decision=payload.decision, reasons=payload.reasons
    )
    return Status(
        201,
        {
            "id": use.pk,
            "share_id": share.pk,
            "recipient_agency_id": use.recipient.agency_id,
            "withdrawal_id": use.withdrawal_id,
            "decision": use.decision,
            "reasons": _text(use.reasons),
            "decided_by_id": use.decided_by_id,
            "decided_at": use.decided_at,
        },
    )
