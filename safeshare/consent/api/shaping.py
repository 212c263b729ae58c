"""Shaping the consent API's replies and resolving ids in its bodies.

Sealed text (evidence, reasons, notes, guidance) is opened under the child's key,
loaded with the record, only for the agency's own staff who may read it.
"""

import uuid
from typing import Any

from django.db.models import QuerySet

from safeshare.agencies.models import Agency
from safeshare.agencies.selectors import agency_list_by_ids
from safeshare.consent import selectors, validity
from safeshare.consent.models import (
    CapacityAssessment,
    Consent,
    ConsentConflict,
    PrivacyNotice,
)
from safeshare.core import clock
from safeshare.core.errors import Errors, add_error
from safeshare.people.models import Person
from safeshare.people.selectors import people_visible


def text(value: Any) -> str | None:
    return None if value is None else str(value)


def in_force_ids(child: Person, agency: Agency) -> set[uuid.UUID]:
    """The ids of each person's record about the child in force now (one query)."""
    return {c.pk for c in validity.records_in_force(child, agency, clock.now())}


def consent_out(consent: Consent, child: Person, in_force: set[uuid.UUID]) -> dict:
    withdrawal = getattr(consent, "withdrawal", None)
    return {
        "id": consent.pk,
        "child_id": consent.child_id,
        "agency_id": consent.agency_id,
        "decision": consent.decision,
        "given_by_id": consent.given_by_id,
        "giver_role": consent.giver_role,
        "giver_age": consent.giver_age,
        "capacity_assessment_id": consent.capacity_assessment_id,
        "categories": consent.categories,
        "purposes": consent.purposes,
        "recipient_agencies": [a.pk for a in consent.recipient_agencies.all()],
        "recipient_agency_types": consent.recipient_agency_types,
        "recipient_purposes": consent.recipient_purposes,
        "explained_information": consent.explained_information,
        "explained_purposes": consent.explained_purposes,
        "explained_recipients": consent.explained_recipients,
        "explained_recipient_purposes": consent.explained_recipient_purposes,
        "freely_given": consent.freely_given,
        "informed": consent.informed,
        "explicit": consent.explicit,
        "method": consent.method,
        "evidence": text(selectors.sealed(child, consent, "evidence")),
        "reasons": text(selectors.sealed(child, consent, "reasons")),
        "given_at": consent.given_at,
        "review_on": consent.review_on,
        "expires_on": consent.expires_on,
        "in_force": consent.pk in in_force,
        "withdrawal": None
        if withdrawal is None
        else {
            "id": withdrawal.pk,
            "withdrawn_at": withdrawal.withdrawn_at,
            "method": withdrawal.method,
            "reasons": text(selectors.sealed(child, withdrawal, "reasons")),
            "recorded_by_id": withdrawal.recorded_by_id,
            "recorded_at": withdrawal.recorded_at,
        },
        "recorded_by_id": consent.recorded_by_id,
        "recorded_at": consent.recorded_at,
    }


def capacity_out(assessment: CapacityAssessment, child: Person) -> dict:
    return {
        "id": assessment.pk,
        "child_id": assessment.child_id,
        "person_id": assessment.person_id,
        "agency_id": assessment.agency_id,
        "assessed_by_id": assessment.assessed_by_id,
        "assessed_at": assessment.assessed_at,
        "conclusion": assessment.conclusion,
        "notes": text(selectors.sealed(child, assessment, "notes")),
    }


def conflict_out(conflict: ConsentConflict, *, guided: bool) -> dict:
    """`guided=False` for the open list, whose rows have no guidance (and no query for it)."""
    guidance = getattr(conflict, "guidance", None) if guided else None
    return {
        "id": conflict.pk,
        "child_id": conflict.child_id,
        "kind": conflict.kind,
        "consent_id": conflict.consent_id,
        "consent_given_by_id": conflict.consent.given_by_id,
        "refusal_id": conflict.refusal_id,
        "refusal_given_by_id": conflict.refusal.given_by_id,
        "detected_at": conflict.detected_at,
        "guidance": None
        if guidance is None
        else {
            "id": guidance.pk,
            "given_by_id": guidance.given_by_id,
            "given_at": guidance.given_at,
            "outcome": guidance.outcome,
            "guidance": text(selectors.sealed(conflict.child, guidance, "guidance")),
        },
    }


def notice_out(notice: PrivacyNotice) -> dict:
    return {
        "id": notice.pk,
        "person_id": notice.person_id,
        "agency_id": notice.agency_id,
        "told_on": notice.told_on,
        "method": notice.method,
        "told_to_id": notice.told_to_id,
        "recorded_by_id": notice.recorded_by_id,
        "recorded_at": notice.recorded_at,
    }


# ---------------------------------------------------------------------------
# Resolving ids in the body: a field error, the same for missing and out of scope.
# The person a write is about is checked first: seen but not allowed is a 403.
# ---------------------------------------------------------------------------


def body_one(
    errors: Errors, field: str, queryset: QuerySet, key: uuid.UUID | None, message: str, code: str
) -> Any:
    if key is None:
        return None
    found = queryset.filter(pk=key).first()
    if found is None:
        add_error(errors, field, message, code)
    return found


def body_person(user: Any, errors: Errors, field: str, key: uuid.UUID | None) -> Person | None:
    return body_one(
        errors,
        field,
        people_visible(user),
        key,
        "Choose a person your agency works with.",
        "unknown_person",
    )


def body_agencies(errors: Errors, keys: list[uuid.UUID]) -> list[Agency]:
    agencies = agency_list_by_ids(keys)
    if len(agencies) != len(set(keys)):
        add_error(errors, "recipient_agencies", "Choose agencies that exist.", "unknown_agency")
    by_id = {a.pk: a for a in agencies}
    return [by_id[k] for k in dict.fromkeys(keys) if k in by_id]
