"""Exchange API: MASH referrals to another agency's front door.

Adapters only (STYLE §2).
"""

import datetime
import uuid

from django.core.exceptions import ValidationError
from ninja import Field, Router, Schema, Status

from safeshare.access.actions import Action
from safeshare.access.fetch.people import get_person_for
from safeshare.consent.selectors import consent_get_for_child
from safeshare.exchange import services
from safeshare.exchange.models import (
    HarmBasis,
)

from ._common import TEXT, AgencyRef, _agency, _agency_ref
from .shares import ItemIn

router = Router(tags=["referrals"])


class ReferralIn(Schema):
    subject_id: uuid.UUID
    harm_basis: HarmBasis
    reason: str = TEXT
    # The family's agreement as the referrer recorded it: no default (Protocol App. 2).
    consent_state: str = Field(max_length=20)
    consent_id: uuid.UUID | None = None
    consent_not_sought_reason: str = Field(default="", max_length=80)
    lawful_basis: str = Field(max_length=60)
    statutory_gateways: list[str] = Field(default_factory=list, max_length=20)
    front_door_id: uuid.UUID | None = None
    items: list[ItemIn] = Field(min_length=1, max_length=50)


class ReferralOut(Schema):
    id: uuid.UUID
    share_id: uuid.UUID
    decision_id: uuid.UUID
    front_door: AgencyRef
    harm_basis: str
    urgency: str
    referred_at: datetime.datetime
    receipt_seq: int | None
    receipt_hash: str


@router.post("", response={201: ReferralOut}, operation_id="exchange_referral_make")
def exchange_referral_make(request, payload: ReferralIn):
    """Refer a child to the front door (MASH) the same day.

    Consent is not required, but the referrer records whether the family agreed
    (citing the consent on file), refused, or was not asked and why, and their
    own agency's lawful basis and gateways; each is checked under the pack in
    force for the referrer's agency type."""
    user = request.auth
    subject = get_person_for(user, payload.subject_id, action=Action.REFERRAL_MAKE)
    front_door = _agency(payload.front_door_id, "front_door_id") if payload.front_door_id else None
    items = [
        services.ItemDraft(**{**item.dict(), "protected_role": item.protected_role or ""})
        for item in payload.items
    ]
    consent = None
    if payload.consent_id is not None:
        consent = consent_get_for_child(user, subject, payload.consent_id)
        if consent is None:
            raise ValidationError(
                {
                    "consent_id": [
                        ValidationError(
                            "Choose a consent or refusal about this child that your agency "
                            "recorded.",
                            code="unknown_consent",
                        )
                    ]
                }
            )
    referral = services.referral_make(
        actor=user,
        subject=subject,
        harm_basis=payload.harm_basis,
        reason=payload.reason,
        items=items,
        consent_state=payload.consent_state,
        consent=consent,
        consent_not_sought_reason=payload.consent_not_sought_reason,
        lawful_basis=payload.lawful_basis,
        statutory_gateways=payload.statutory_gateways,
        front_door=front_door,
    )
    return Status(
        201,
        {
            "id": referral.id,
            "share_id": referral.share_id,
            "decision_id": referral.decision_id,
            "front_door": _agency_ref(referral.front_door),
            "harm_basis": referral.harm_basis,
            "urgency": referral.urgency,
            "referred_at": referral.referred_at,
            "receipt_seq": referral.share.sent_entry_seq,
            "receipt_hash": referral.share.sent_entry_hash,
        },
    )
