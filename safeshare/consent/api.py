"""Consent API: consents and refusals, withdrawal, capacity, conflicts,
the notice at first contact, and a consent as a FHIR R4 Consent resource (issue #5).

Adapters only (STYLE §2): resolve ids through `access`, call one service, shape
the reply. An id in the body that names nothing the user may see is a 422 on
that field (the same for missing and out of scope); an id in the address is a
404. Sealed text (evidence, reasons, notes, guidance) is opened only for the
agency's own staff who may read the record, and never travels in a URL.
"""

import datetime
import uuid
from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from safeshare.access.actions import Action
from safeshare.access.fetch import get_person_for
from safeshare.access.fetch_consent import get_conflict_for, get_consent_for
from safeshare.access.policy import require, visible
from safeshare.access.rules.consent import ConsentTarget, NoticeTarget
from safeshare.agencies.models import Agency, AgencyType
from safeshare.consent import fhir, selectors, validity
from safeshare.consent.models import (
    CapacityAssessment,
    CapacityConclusion,
    ConflictOutcome,
    Consent,
    ConsentConflict,
    ConsentDecision,
    ConsentMethod,
    GiverRole,
    ItemCategory,
    NoticeMethod,
    PrivacyNotice,
    RecipientPurpose,
    SharingPurpose,
)
from safeshare.consent.services import capacity, conflicts, consents, notices
from safeshare.core import clock
from safeshare.core.errors import Errors, add_error, raise_if
from safeshare.core.paging import LimitOffset, Rows
from safeshare.people.models import Person

router = Router(tags=["consent"])

# The services hold the exact limits (and say so by field); these only bound the input.
TEXT = Field(default="", max_length=10_000)
IDS = Field(default_factory=list, max_length=50)


# ---------------------------------------------------------------------------
# Schemas
# ---------------------------------------------------------------------------


class ConsentIn(Schema):
    child_id: uuid.UUID
    given_by_id: uuid.UUID = Field(
        description="The child, or a person with parental responsibility."
    )
    giver_role: GiverRole
    decision: ConsentDecision
    given_at: datetime.datetime = Field(description="When they decided, with its time zone.")
    method: ConsentMethod
    categories: list[ItemCategory] = IDS
    purposes: list[SharingPurpose] = IDS
    recipient_agencies: list[uuid.UUID] = IDS
    recipient_agency_types: list[AgencyType] = IDS
    recipient_purposes: list[RecipientPurpose] = IDS
    explained_information: bool = False
    explained_purposes: bool = False
    explained_recipients: bool = False
    explained_recipient_purposes: bool = False
    freely_given: bool = False
    informed: bool = False
    explicit: bool = False
    evidence: str = TEXT
    reasons: str = TEXT
    review_on: datetime.date | None = None
    expires_on: datetime.date | None = None
    capacity_assessment_id: uuid.UUID | None = Field(
        None, description="The assessment relied on; the latest before the decision if left out."
    )


class WithdrawalIn(Schema):
    withdrawn_at: datetime.datetime = Field(description="When it was withdrawn, with time zone.")
    method: ConsentMethod
    reasons: str = TEXT


class WithdrawalOut(Schema):
    id: uuid.UUID
    withdrawn_at: datetime.datetime
    method: str
    reasons: str | None
    recorded_by_id: uuid.UUID
    recorded_at: datetime.datetime


class ConsentOut(Schema):
    id: uuid.UUID
    child_id: uuid.UUID
    agency_id: uuid.UUID
    decision: str
    given_by_id: uuid.UUID
    giver_role: str
    giver_age: int | None
    capacity_assessment_id: uuid.UUID | None
    categories: list[str]
    purposes: list[str]
    recipient_agencies: list[uuid.UUID]
    recipient_agency_types: list[str]
    recipient_purposes: list[str]
    explained_information: bool
    explained_purposes: bool
    explained_recipients: bool
    explained_recipient_purposes: bool
    freely_given: bool
    informed: bool
    explicit: bool
    method: str
    evidence: str | None
    reasons: str | None
    given_at: datetime.datetime
    review_on: datetime.date | None
    expires_on: datetime.date | None
    in_force: bool = Field(
        description="Not withdrawn, replaced by the same person's later record, or past its "
        "end date now (a consent past its review date stays in force but cannot be relied on "
        "until it is reviewed)."
    )
    withdrawal: WithdrawalOut | None
    recorded_by_id: uuid.UUID
    recorded_at: datetime.datetime


class CapacityIn(Schema):
    child_id: uuid.UUID
    person_id: uuid.UUID = Field(description="Who was assessed: the child or a relative.")
    assessed_at: datetime.datetime
    conclusion: CapacityConclusion
    notes: str = TEXT


class CapacityOut(Schema):
    id: uuid.UUID
    child_id: uuid.UUID
    person_id: uuid.UUID
    agency_id: uuid.UUID
    assessed_by_id: uuid.UUID
    assessed_at: datetime.datetime
    conclusion: str
    notes: str | None


class GuidanceIn(Schema):
    guidance: str = TEXT
    outcome: ConflictOutcome


class GuidanceOut(Schema):
    id: uuid.UUID
    given_by_id: uuid.UUID
    given_at: datetime.datetime
    outcome: str
    guidance: str | None


class ConflictOut(Schema):
    id: uuid.UUID
    child_id: uuid.UUID
    kind: str
    consent_id: uuid.UUID
    consent_given_by_id: uuid.UUID
    refusal_id: uuid.UUID
    refusal_given_by_id: uuid.UUID
    detected_at: datetime.datetime
    guidance: GuidanceOut | None


class NoticeIn(Schema):
    person_id: uuid.UUID
    told_on: datetime.date
    method: NoticeMethod
    told_to_id: uuid.UUID | None = Field(
        None, description="Who was told, if not the person themself (a parent or carer)."
    )


class NoticeOut(Schema):
    id: uuid.UUID
    person_id: uuid.UUID
    agency_id: uuid.UUID
    told_on: datetime.date
    method: str
    told_to_id: uuid.UUID | None
    recorded_by_id: uuid.UUID
    recorded_at: datetime.datetime


class PersonRefOut(Schema):
    """A person by pseudonymous reference; read their identity with people_get."""

    id: uuid.UUID
    kind: str


# ---------------------------------------------------------------------------
# Shaping (sealed text opened under the child's key, loaded with the record)
# ---------------------------------------------------------------------------


def _text(value: Any) -> str | None:
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
        "evidence": _text(selectors.sealed(child, consent, "evidence")),
        "reasons": _text(selectors.sealed(child, consent, "reasons")),
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
            "reasons": _text(selectors.sealed(child, withdrawal, "reasons")),
            "recorded_by_id": withdrawal.recorded_by_id,
            "recorded_at": withdrawal.recorded_at,
        },
        "recorded_by_id": consent.recorded_by_id,
        "recorded_at": consent.recorded_at,
    }


def _capacity_out(assessment: CapacityAssessment, child: Person) -> dict:
    return {
        "id": assessment.pk,
        "child_id": assessment.child_id,
        "person_id": assessment.person_id,
        "agency_id": assessment.agency_id,
        "assessed_by_id": assessment.assessed_by_id,
        "assessed_at": assessment.assessed_at,
        "conclusion": assessment.conclusion,
        "notes": _text(selectors.sealed(child, assessment, "notes")),
    }


def _conflict_out(conflict: ConsentConflict, *, guided: bool) -> dict:
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
            "guidance": _text(selectors.sealed(conflict.child, guidance, "guidance")),
        },
    }


def _notice_out(notice: PrivacyNotice) -> dict:
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


def _one(
    errors: Errors, field: str, queryset: QuerySet, key: uuid.UUID | None, message: str, code: str
) -> Any:
    if key is None:
        return None
    found = queryset.filter(pk=key).first()
    if found is None:
        add_error(errors, field, message, code)
    return found


def _person(user: Any, errors: Errors, field: str, key: uuid.UUID | None) -> Person | None:
    return _one(
        errors,
        field,
        visible(user, Person.objects.all()),
        key,
        "Choose a person your agency works with.",
        "unknown_person",
    )


def _agencies(errors: Errors, keys: list[uuid.UUID]) -> list[Agency]:
    agencies = list(Agency.objects.filter(pk__in=keys))
    if len(agencies) != len(set(keys)):
        add_error(errors, "recipient_agencies", "Choose agencies that exist.", "unknown_agency")
    by_id = {a.pk: a for a in agencies}
    return [by_id[k] for k in dict.fromkeys(keys) if k in by_id]


# ---------------------------------------------------------------------------
# Consents and refusals
# ---------------------------------------------------------------------------


@router.post("", response={201: ConsentOut}, operation_id="consent_record")
def consent_record(request, payload: ConsentIn):
    """Record a consent or a refusal about a child, equally fully (Protocol App. 2 Q4)."""
    user = request.auth
    errors: Errors = {}
    child = _person(user, errors, "child_id", payload.child_id)
    if child is not None:  # a child the user sees but may not record about: 403
        require(user, Action.CONSENT_RECORD, ConsentTarget(child=child))
    given_by = _person(user, errors, "given_by_id", payload.given_by_id)
    assessment = _one(
        errors,
        "capacity_assessment_id",
        visible(user, CapacityAssessment.objects.all()),
        payload.capacity_assessment_id,
        "Choose an assessment your agency recorded.",
        "unknown_assessment",
    )
    agencies = _agencies(errors, payload.recipient_agencies)
    raise_if(errors)
    fields = payload.dict(
        exclude={"child_id", "given_by_id", "capacity_assessment_id", "recipient_agencies"}
    )
    consent = consents.consent_record(
        actor=user,
        child=child,
        given_by=given_by,
        capacity_assessment=assessment,
        recipient_agencies=agencies,
        **fields,
    )
    return Status(
        201,
        consent_out(get_consent_for(user, consent.pk), child, in_force_ids(child, consent.agency)),
    )


@router.post(
    "/capacity-assessments", response={201: CapacityOut}, operation_id="consent_capacity_assess"
)
def consent_capacity_assess(request, payload: CapacityIn):
    """Record whether the child, or a person with parental responsibility, can understand
    and decide about sharing (App. 2 Q4; Mental Capacity Act 2005)."""
    user = request.auth
    errors: Errors = {}
    child = _person(user, errors, "child_id", payload.child_id)
    if child is not None:
        require(user, Action.CAPACITY_ASSESS, ConsentTarget(child=child))
    person = _person(user, errors, "person_id", payload.person_id)
    raise_if(errors)
    assessment = capacity.capacity_assess(
        actor=user,
        child=child,
        person=person,
        assessed_at=payload.assessed_at,
        conclusion=payload.conclusion,
        notes=payload.notes,
    )
    return Status(201, _capacity_out(assessment, child))


@router.get(
    "/children/{child_id}/capacity-assessments",
    response=list[CapacityOut],
    operation_id="consent_capacity_list",
)
def consent_capacity_list(request, child_id: str):
    """Your agency's capacity assessments about a child and the people around them."""
    child = get_person_for(request.auth, child_id)
    return [
        _capacity_out(a, child) for a in selectors.capacity_assessments_for(request.auth, child)
    ]


@router.get("/children/{child_id}", response=list[ConsentOut], operation_id="consent_list")
def consent_list(request, child_id: str):
    """Every consent and refusal about a child your agency recorded, newest first."""
    child = get_person_for(request.auth, child_id)
    consents = list(selectors.consents_for_child(request.auth, child))
    in_force = in_force_ids(child, consents[0].agency) if consents else set()
    return [consent_out(c, child, in_force) for c in consents]


# ---------------------------------------------------------------------------
# Conflicts
# ---------------------------------------------------------------------------


@router.get("/conflicts", response=list[ConflictOut], operation_id="consent_conflicts_open")
@paginate(LimitOffset)
def consent_conflicts_open(request):
    """Disagreements at your agency awaiting a safeguarding lead's guidance, oldest first."""
    return Rows(selectors.conflicts_open(request.auth), lambda c: _conflict_out(c, guided=False))


@router.get("/conflicts/{conflict_id}", response=ConflictOut, operation_id="consent_conflict_get")
def consent_conflict_get(request, conflict_id: str):
    """A disagreement about consent at your agency, with any guidance on it."""
    conflict = get_conflict_for(request.auth, conflict_id)
    require(request.auth, Action.CONSENT_CONFLICT_VIEW, conflict)
    return _conflict_out(conflict, guided=True)


@router.post(
    "/conflicts/{conflict_id}/guidance",
    response={201: ConflictOut},
    operation_id="consent_conflict_guide",
)
def consent_conflict_guide(request, conflict_id: str, payload: GuidanceIn):
    """A safeguarding lead's guidance on a disagreement, and its outcome (App. 2 Q4)."""
    user = request.auth
    conflict = get_conflict_for(user, conflict_id)
    conflicts.conflict_guide(actor=user, conflict=conflict, **payload.dict())
    return Status(201, _conflict_out(get_conflict_for(user, conflict.pk), guided=True))


# ---------------------------------------------------------------------------
# The notice at first contact (Protocol 6.2)
# ---------------------------------------------------------------------------


@router.post("/notices", response={201: NoticeOut}, operation_id="consent_notice_record")
def consent_notice_record(request, payload: NoticeIn):
    """Record that the person, or a parent or carer for them, was told how your agency
    shares information and on what basis (Protocol 6.2)."""
    user = request.auth
    errors: Errors = {}
    person = _person(user, errors, "person_id", payload.person_id)
    if person is not None:
        require(user, Action.NOTICE_RECORD, NoticeTarget(person=person))
    told_to = _person(user, errors, "told_to_id", payload.told_to_id)
    raise_if(errors)
    notice = notices.notice_record(
        actor=user, person=person, told_on=payload.told_on, method=payload.method, told_to=told_to
    )
    return Status(201, _notice_out(notice))


@router.get("/notices/missing", response=list[PersonRefOut], operation_id="consent_notices_missing")
@paginate(LimitOffset)
def consent_notices_missing(request):
    """People your agency works with who have no record of the notice, longest-waiting
    first (by when your agency's involvement began)."""
    return Rows(
        selectors.people_without_notice(request.auth), lambda p: {"id": p.pk, "kind": p.kind}
    )


@router.get(
    "/people/{person_id}/notices", response=list[NoticeOut], operation_id="consent_notices_list"
)
def consent_notices_list(request, person_id: str):
    """Your agency's records of telling a person how it shares information."""
    person = get_person_for(request.auth, person_id)
    return [_notice_out(n) for n in selectors.notices_for(request.auth, person)]


# ---------------------------------------------------------------------------
# One consent (last: its address would otherwise swallow the paths above)
# ---------------------------------------------------------------------------


@router.get("/{consent_id}", response=ConsentOut, operation_id="consent_get")
def consent_get(request, consent_id: str):
    """A consent or refusal your agency recorded, with any withdrawal."""
    consent = get_consent_for(request.auth, consent_id)
    require(request.auth, Action.CONSENT_VIEW, consent)
    return consent_out(consent, consent.child, in_force_ids(consent.child, consent.agency))


@router.get(
    "/{consent_id}/fhir",
    operation_id="consent_fhir",
    openapi_extra={
        "responses": {
            200: {
                "description": "A FHIR R4 Consent resource (validated with fhir.resources.R4B).",
                "content": {fhir.FHIR_JSON: {"schema": {"type": "object"}}},
            }
        }
    },
)
def consent_fhir(request, consent_id: str):
    """A consent or refusal as a FHIR R4 Consent resource, for health partners. People are
    named only by pseudonymous reference; no sealed text is included."""
    consent = get_consent_for(request.auth, consent_id)
    require(request.auth, Action.CONSENT_VIEW, consent)
    return HttpResponse(fhir.consent_fhir_json(consent), content_type=fhir.FHIR_JSON)
