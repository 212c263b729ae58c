"""Fetch helpers for decisions and advice: the same NotFound whether missing or forbidden."""

import uuid
from typing import Any

from safeshare.access.actions import Action
from safeshare.access.fetch import get_visible
from safeshare.decisions.models import AdviceRequest, Decision


def get_decision_for(
    user: Any, decision_id: uuid.UUID | str, *, action: Action | None = None
) -> Decision:
    """A decision of the user's own agency, else NotFound."""
    queryset = Decision.objects.select_related(
        "subject", "agency", "decided_by", "supersedes", "consent_given_by"
    )
    return get_visible(user, queryset, decision_id, "decision", action=action)


def get_advice_request_for(
    user: Any, advice_id: uuid.UUID | str, *, action: Action | None = None
) -> AdviceRequest:
    """An advice request the user asked or was asked, else NotFound."""
    queryset = AdviceRequest.objects.select_related("subject", "asked_by", "adviser", "agency")
    return get_visible(user, queryset, advice_id, "advice request", action=action)
