"""Fetch helpers for consent records: the same NotFound whether missing or forbidden."""

import uuid
from typing import Any

from safeshare.access.policy import visible
from safeshare.consent.models import CapacityAssessment, Consent, ConsentConflict
from safeshare.core.errors import NotFound


def _key(value: uuid.UUID | str, noun: str) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError as error:
        raise NotFound(noun) from error


def get_consent_for(user: Any, consent_id: uuid.UUID | str) -> Consent:
    """A consent or refusal recorded by the user's own agency, else NotFound."""
    key = _key(consent_id, "consent")
    consent = (
        visible(user, Consent.objects.all())
        .select_related("child", "given_by", "agency", "recorded_by", "withdrawal")
        .prefetch_related("recipient_agencies")
        .filter(pk=key)
        .first()
    )
    if consent is None:
        raise NotFound("consent")
    return consent


def get_conflict_for(user: Any, conflict_id: uuid.UUID | str) -> ConsentConflict:
    """A disagreement about consent at the user's own agency, else NotFound."""
    key = _key(conflict_id, "conflict")
    conflict = (
        visible(user, ConsentConflict.objects.all())
        .select_related("child", "consent__given_by", "refusal__given_by", "agency")
        .filter(pk=key)
        .first()
    )
    if conflict is None:
        raise NotFound("conflict")
    return conflict


def get_capacity_assessment_for(user: Any, assessment_id: uuid.UUID | str) -> CapacityAssessment:
    """A capacity assessment recorded by the user's own agency, else NotFound."""
    key = _key(assessment_id, "capacity assessment")
    assessment = (
        visible(user, CapacityAssessment.objects.all())
        .select_related("person", "child", "assessed_by")
        .filter(pk=key)
        .first()
    )
    if assessment is None:
        raise NotFound("capacity assessment")
    return assessment
