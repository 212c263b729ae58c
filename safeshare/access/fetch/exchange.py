"""Fetch helpers for exchange records: the object, or the same NotFound whether
missing or out of scope (an expired or revoked share is out of a recipient's scope)."""

import uuid
from typing import Any

from safeshare.access.actions import Action
from safeshare.access.fetch import get_visible
from safeshare.core.errors import NotFound
from safeshare.exchange.models import InformationRequest, OnwardDisclosureRequest, Referral, Share


def get_share_for(user: Any, share_id: uuid.UUID | str, *, action: Action | None = None) -> Share:
    """A share the user's agency sent, or one open to the user as a recipient now."""
    queryset = Share.objects.select_related("sender_agency", "subject", "decision", "sent_by")
    return get_visible(user, queryset, share_id, "share", action=action)


def get_request_for(
    user: Any, request_id: uuid.UUID | str, *, action: Action | None = None
) -> InformationRequest:
    """An information request the user's agency made or was asked."""
    queryset = InformationRequest.objects.select_related(
        "requesting_agency", "requested_agency", "subject", "requested_by", "identity_share"
    )
    return get_visible(user, queryset, request_id, "request", action=action)


def get_onward_request_for(
    user: Any, onward_id: uuid.UUID | str, *, action: Action | None = None
) -> OnwardDisclosureRequest:
    """An onward disclosure request the user's agency made or must answer."""
    queryset = OnwardDisclosureRequest.objects.select_related(
        "share", "share__subject", "share__sender_agency", "requesting_agency", "proposed_recipient"
    )
    return get_visible(user, queryset, onward_id, "onward disclosure request", action=action)


def get_referral_for(
    user: Any, referral_id: uuid.UUID | str, *, action: Action | None = None
) -> Referral:
    """A referral the user's agency made, or received while its window is open."""
    queryset = Referral.objects.select_related("share", "share__subject", "front_door", "decision")
    return get_visible(user, queryset, referral_id, "referral", action=action)


def own_decision_or_error(user: Any, decision_id: uuid.UUID | str, *, field: str) -> Any:
    """A decision of the user's own agency named in a request body, else a ValidationError
    on `field` (the same for missing and another agency's): a body field, not an address."""
    from django.core.exceptions import ValidationError

    from safeshare.access.policy import active_agency
    from safeshare.core.errors import Forbidden
    from safeshare.decisions.models import Decision

    agency = active_agency(user)
    if agency is None:
        raise Forbidden()
    decision = (
        Decision.objects.select_related("subject", "agency")
        .filter(pk=decision_id, agency=agency)
        .first()
    )
    if decision is None:
        message = "Choose a decision your agency recorded."
        raise ValidationError({field: [ValidationError(message, code="decision_unknown")]})
    return decision


def get_own_decision_for(
    user: Any, decision_id: uuid.UUID | str, *, action: Action | None = None
) -> Any:
    """A decision the user's agency recorded, else NotFound (pages address decisions by URL)."""
    from safeshare.access.fetch import requested
    from safeshare.access.policy import active_agency, require
    from safeshare.decisions.models import Decision

    agency = active_agency(user)
    attempt = requested(action, Decision, decision_id)
    if attempt.object_id is None:
        raise NotFound("decision", attempt=attempt)
    decision = (
        Decision.objects.select_related("subject", "agency")
        .filter(pk=attempt.object_id, agency=agency)
        .first()
        if agency is not None
        else None
    )
    if decision is None:
        raise NotFound("decision", attempt=attempt)
    if action is not None:
        require(user, action, decision)
    return decision
