"""Fetch helpers for decisions and advice: the same NotFound whether missing or forbidden."""

import uuid
from typing import Any

from safeshare.access.policy import visible
from safeshare.core.errors import NotFound
from safeshare.decisions.models import AdviceRequest, Decision


def _key(value: uuid.UUID | str, noun: str) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError as error:
        raise NotFound(noun) from error


def get_decision_for(user: Any, decision_id: uuid.UUID | str) -> Decision:
    """A decision of the user's own agency, else NotFound."""
    key = _key(decision_id, "decision")
    decision = (
        visible(user, Decision.objects.all())
        .select_related("subject", "agency", "decided_by", "supersedes", "consent_given_by")
        .filter(pk=key)
        .first()
    )
    if decision is None:
        raise NotFound("decision")
    return decision


def get_advice_request_for(user: Any, advice_id: uuid.UUID | str) -> AdviceRequest:
    """An advice request the user asked or was asked, else NotFound."""
    key = _key(advice_id, "advice request")
    advice = (
        visible(user, AdviceRequest.objects.all())
        .select_related("subject", "asked_by", "adviser", "agency")
        .filter(pk=key)
        .first()
    )
    if advice is None:
        raise NotFound("advice request")
    return advice
