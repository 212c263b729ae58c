"""Fetch helpers for exchange records: the object, or the same NotFound whether
missing or out of scope (an expired or revoked share is out of a recipient's scope)."""

import uuid
from typing import Any

from safeshare.access.actions import Action
from safeshare.access.fetch import Targets, get_visible
from safeshare.access.rules.informing import SubjectTarget
from safeshare.exchange.models import InformationRequest, OnwardDisclosureRequest, Referral, Share

# Actions whose object is a target about the share (the share is all it holds).
_SHARE_TARGETS: Targets = {
    Action.SUBJECT_NOTIFICATION_RECORD: lambda share: SubjectTarget(share=share),
}


def get_share_for(user: Any, share_id: uuid.UUID | str, *, action: Action) -> Share:
    """A share the user's agency sent, or one open to the user as a recipient now."""
    queryset = Share.objects.select_related("sender_agency", "subject", "decision", "sent_by")
    return get_visible(user, queryset, share_id, "share", action=action, targets=_SHARE_TARGETS)


def get_request_for(
    user: Any, request_id: uuid.UUID | str, *, action: Action
) -> InformationRequest:
    """An information request the user's agency made or was asked."""
    queryset = InformationRequest.objects.select_related(
        "requesting_agency", "requested_agency", "subject", "requested_by", "identity_share"
    )
    return get_visible(user, queryset, request_id, "request", action=action)


def get_onward_request_for(
    user: Any, onward_id: uuid.UUID | str, *, action: Action
) -> OnwardDisclosureRequest:
    """An onward disclosure request the user's agency made or must answer."""
    queryset = OnwardDisclosureRequest.objects.select_related(
        "share", "share__subject", "share__sender_agency", "requesting_agency", "proposed_recipient"
    )
    return get_visible(user, queryset, onward_id, "onward disclosure request", action=action)


def get_referral_for(user: Any, referral_id: uuid.UUID | str, *, action: Action) -> Referral:
    """A referral the user's agency made, or received while its window is open."""
    queryset = Referral.objects.select_related("share", "share__subject", "front_door", "decision")
    return get_visible(user, queryset, referral_id, "referral", action=action)
