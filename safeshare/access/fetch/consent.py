"""Fetch helpers for consent records: the same NotFound whether missing or forbidden."""

import uuid
from typing import Any

from safeshare.access.actions import Action
from safeshare.access.fetch import get_visible
from safeshare.consent.models import CapacityAssessment, Consent, ConsentConflict


def get_consent_for(user: Any, consent_id: uuid.UUID | str, *, action: Action) -> Consent:
    """A consent or refusal recorded by the user's own agency, else NotFound."""
    queryset = Consent.objects.select_related(
        "child", "given_by", "agency", "recorded_by", "withdrawal"
    ).prefetch_related("recipient_agencies")
    return get_visible(user, queryset, consent_id, "consent", action=action)


def get_conflict_for(user: Any, conflict_id: uuid.UUID | str, *, action: Action) -> ConsentConflict:
    """A disagreement about consent at the user's own agency, else NotFound."""
    queryset = ConsentConflict.objects.select_related(
        "child", "consent__given_by", "refusal__given_by", "agency"
    )
    return get_visible(user, queryset, conflict_id, "conflict", action=action)


def get_capacity_assessment_for(
    user: Any, assessment_id: uuid.UUID | str, *, action: Action
) -> CapacityAssessment:
    """A capacity assessment recorded by the user's own agency, else NotFound."""
    queryset = CapacityAssessment.objects.select_related("person", "child", "assessed_by")
    return get_visible(user, queryset, assessment_id, "capacity assessment", action=action)
