"""Writing consent records and what surrounds them (issue #5).

Every function takes the acting user, checks access, validates everything
before writing anything (each error names its field and rule), writes in
one transaction and appends its ledger entry in that transaction. Free text
is sealed under the child's data key. Nothing is edited: a changed mind is a
new record from the same person, which replaces their earlier one.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from safeshare.access.actions import Action
from safeshare.access.policy import can
from safeshare.access.rules.consent import ConsentTarget, NoticeTarget
from safeshare.agencies import notify
from safeshare.agencies.models import Agency, AgencyType, User
from safeshare.consent import validity
from safeshare.consent.models import (
    CapacityAssessment,
    CapacityConclusion,
    ConflictKind,
    ConflictOutcome,
    Consent,
    ConsentConflict,
    ConsentConflictGuidance,
    ConsentDecision,
    ConsentMethod,
    ConsentWithdrawal,
    GiverRole,
    ItemCategory,
    NoticeMethod,
    PrivacyNotice,
    RecipientPurpose,
    SharingPurpose,
)
from safeshare.core import clock
from safeshare.core.cleaning import clean_choice, clean_text
from safeshare.core.errors import TIMEZONE_MESSAGE, Errors, Forbidden, add_error, raise_if
from safeshare.core.validation import validate_new
from safeshare.ledger.kinds import EntryKind
from safeshare.ledger.services import actor_ref_for, ledger_append
from safeshare.people.identity import read_identity
from safeshare.people.models import Person, PersonKind
from safeshare.people.sealing import seal_text
from safeshare.people.selectors import relationships_for_person

REVIEW_WITHIN = datetime.timedelta(days=2 * 366)  # consent is reviewed at least every two years


# --- small checks shared by the services ----------------------------------------------------


def _codes(
    errors: Errors, field: str, values: Any, choices: type, label: str, *, required: bool
) -> list[str]:
    """A list of codes from a closed list: each known, each once, in the list's order."""
    if values is None:
        values = []
    if isinstance(values, str) or not isinstance(values, Iterable):
        add_error(errors, field, f"Choose {label} from the list.", "choice_unknown")
        return []
    values = list(values)
    unknown = [v for v in values if v not in choices.values]
    if unknown:
        add_error(errors, field, f"Choose {label} from the list.", "choice_unknown")
        return []
    if required and not values:
        add_error(errors, field, f"Choose {label}.", "required")
    return [code for code in choices.values if code in values]


def _moment(
    errors: Errors, field: str, value: Any, label: str, *, now: datetime.datetime
) -> datetime.datetime | None:
    if value is None or value == "":
        add_error(errors, field, f"Enter {label}.", "required")
    elif not isinstance(value, datetime.datetime):
        add_error(errors, field, f"Enter {label} as a date and time.", "invalid")
    elif not clock.is_aware(value):
        add_error(errors, field, TIMEZONE_MESSAGE, "timezone_required")
    elif value > now:
        add_error(errors, field, f"{label.capitalize()} cannot be in the future.", "future")
    else:
        return value
    return None


def _date(errors: Errors, field: str, value: Any, label: str) -> datetime.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime) or not isinstance(value, datetime.date):
        add_error(errors, field, f"Enter {label} as a date.", "invalid")
        return None
    return value


def _agency(actor: User) -> Agency:
    agency = actor.agency
    if agency is None:
        raise Forbidden("Only a member of an agency can do this.")
    return agency


def _child(errors: Errors, field: str, child: Any) -> Person | None:
    if not isinstance(child, Person):
        add_error(errors, field, "Choose the child.", "required")
        return None
    if child.kind != PersonKind.CHILD:
        add_error(errors, field, "Consent here is about a child's information.", "not_a_child")
    elif child.is_shredded:
        add_error(errors, field, "This person's record has been erased.", "subject_erased")
    return child


def _seal(child: Person, record_id: uuid.UUID, field: str, text: str) -> bytes | None:
    return seal_text(child, record_id=record_id, field=field, text=text) if text else None


def _ledger(kind: str, *, actor: User, agency: Agency, child: Person, payload: dict) -> None:
    ledger_append(
        kind=kind,
        actor_ref=actor_ref_for(actor),
        agency_ref=str(agency.pk),
        subject_ref=child.reference,
        payload=payload,
    )


# --- capacity -----------------------------------------------------------------------------


@transaction.atomic
def capacity_assess(
    *,
    actor: User,
    child: Person,
    person: Person,
    assessed_at: datetime.datetime,
    conclusion: str,
    notes: str = "",
) -> CapacityAssessment:
    """Record whether the child, or a person with parental responsibility for them, can
    understand and decide about sharing (App. 2 Q4; Mental Capacity Act 2005)."""
    if not can(actor, Action.CAPACITY_ASSESS, ConsentTarget(child=child)):
        raise Forbidden("You cannot record an assessment about this child.")
    agency = _agency(actor)
    now = clock.now()
    errors: Errors = {}
    _child(errors, "child_id", child)
    assessed_at = _moment(errors, "assessed_at", assessed_at, "when it was assessed", now=now)
    conclusion = clean_choice(
        conclusion, CapacityConclusion, field="conclusion", label="the conclusion", errors=errors
    )
    notes = clean_text(notes, field="notes", label="notes", errors=errors, required=False)
    if not isinstance(person, Person):
        add_error(errors, "person_id", "Choose who was assessed.", "required")
    elif person.is_shredded:
        add_error(errors, "person_id", "This person's record has been erased.", "subject_erased")
    elif person.pk != child.pk and person.pk not in {p.pk for p in _related_people(child)}:
        add_error(
            errors,
            "person_id",
            "Assess the child or someone recorded as related to the child.",
            "not_related",
        )
    raise_if(errors)
    assessment = CapacityAssessment(
        id=uuid.uuid4(),
        person=person,
        child=child,
        agency=agency,
        assessed_by=actor,
        assessed_at=assessed_at,
        conclusion=conclusion,
    )
    assessment.notes_enc = _seal(child, assessment.id, "notes", notes)
    validate_new(assessment)
    assessment.save(force_insert=True)
    _ledger(
        EntryKind.CAPACITY_ASSESSED,
        actor=actor,
        agency=agency,
        child=child,
        payload={
            "assessment": str(assessment.pk),
            "person": person.reference,
            "conclusion": conclusion,
            "assessed_at": assessed_at.isoformat(),
        },
    )
    return assessment


def _related_people(child: Person) -> list[Person]:
    people = []
    for r in relationships_for_person(person=child, include_ended=True):
        people.append(r.related_person if r.person_id == child.pk else r.person)
    return people


# --- consent and refusal ------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """What a consent or refusal is about (App. 2 Q4)."""

    categories: list[str]
    purposes: list[str]
    recipient_agencies: list[Agency]
    recipient_agency_types: list[str]
    recipient_purposes: list[str]


def _scope(
    errors: Errors,
    agency: Agency,
    *,
    given: bool,
    categories: Any,
    purposes: Any,
    recipient_agencies: Any,
    recipient_agency_types: Any,
    recipient_purposes: Any,
) -> Scope:
    categories = _codes(
        errors,
        "categories",
        categories,
        ItemCategory,
        "the categories of information",
        required=True,
    )
    purposes = _codes(errors, "purposes", purposes, SharingPurpose, "the purposes", required=True)
    types = _codes(
        errors,
        "recipient_agency_types",
        recipient_agency_types,
        AgencyType,
        "the kinds of agency",
        required=False,
    )
    agencies: list[Agency] = []
    for item in recipient_agencies or []:
        if not isinstance(item, Agency):
            add_error(
                errors, "recipient_agencies", "Choose agencies from the list.", "choice_unknown"
            )
            break
        if item.pk == agency.pk:
            add_error(
                errors,
                "recipient_agencies",
                "Your own agency is not a recipient.",
                "recipient_self",
            )
            break
        if item.pk not in {a.pk for a in agencies}:
            agencies.append(item)
    if not agencies and not types and "recipient_agencies" not in errors:
        add_error(
            errors,
            "recipient_agencies",
            "Choose the agencies, or kinds of agency, the information may go to."
            if given
            else "Choose the agencies, or kinds of agency, the refusal is about.",
            "required",
        )
    recipient_purposes = _codes(
        errors,
        "recipient_purposes",
        recipient_purposes,
        RecipientPurpose,
        "what the recipients may use it for",
        required=given,
    )
    return Scope(categories, purposes, agencies, types, recipient_purposes)


def _giver(
    errors: Errors,
    agency: Agency,
    *,
    child: Person | None,
    given_by: Any,
    role: str,
    given_at: datetime.datetime | None,
    assessment: CapacityAssessment | None,
    refusing: bool,
) -> tuple[int | None, bool]:
    """Check who gave or refused it; returns the child's age then (if the child decided) and
    whether the giver was able to decide. A child under 16 not assessed as able may still
    refuse: it is recorded as their wishes (golden rule 4), not as a decision that blocks."""
    if not isinstance(given_by, Person):
        add_error(errors, "given_by_id", "Choose who gave or refused consent.", "required")
        return None, True
    if given_by.is_shredded:
        add_error(errors, "given_by_id", "This person's record has been erased.", "subject_erased")
        return None, True
    if child is None or not role or given_at is None or "child_id" in errors:
        return None, True
    age = None
    if role == GiverRole.CHILD and given_by.pk == child.pk:
        identity = read_identity(child)
        age = identity.age_on(timezone.localdate(given_at))
    if assessment is not None:
        if assessment.agency_id != agency.pk:
            add_error(
                errors,
                "capacity_assessment_id",
                "Choose an assessment your agency recorded.",
                "assessment_agency",
            )
            return age, True
        if assessment.person_id != given_by.pk:
            add_error(
                errors,
                "capacity_assessment_id",
                "The assessment must be of the person who decided.",
                "assessment_person",
            )
            return age, True
        if assessment.assessed_at > given_at:
            add_error(
                errors,
                "capacity_assessment_id",
                "The assessment must come before the decision.",
                "assessment_after",
            )
            return age, True
    else:
        assessment = validity.latest_capacity(given_by, given_at, agency)
    problem = validity.giver_problem(
        child=child, giver=given_by, role=role, at=given_at, age=age, assessment=assessment
    )
    if problem is not None and refusing and problem[1] == "capacity_assessment_required":
        return age, False
    if problem is not None:
        field = (
            "capacity_assessment_id"
            if problem[1] == "capacity_assessment_required"
            else "given_by_id"
        )
        add_error(errors, field, *problem)
    return age, True


@transaction.atomic
def consent_record(
    *,
    actor: User,
    child: Person,
    given_by: Person,
    giver_role: str,
    decision: str,
    given_at: datetime.datetime,
    method: str,
    categories: Iterable[str],
    purposes: Iterable[str],
    recipient_agencies: Iterable[Agency] = (),
    recipient_agency_types: Iterable[str] = (),
    recipient_purposes: Iterable[str] = (),
    explained_information: bool = False,
    explained_purposes: bool = False,
    explained_recipients: bool = False,
    explained_recipient_purposes: bool = False,
    freely_given: bool = False,
    informed: bool = False,
    explicit: bool = False,
    evidence: str = "",
    reasons: str = "",
    review_on: datetime.date | None = None,
    expires_on: datetime.date | None = None,
    capacity_assessment: CapacityAssessment | None = None,
) -> Consent:
    """Record a consent or a refusal, equally fully (issue #5 item 1).

    Who: the child, or a person with parental responsibility (checked against the
    recorded relationships); a child under 16 needs a recorded capacity assessment, a
    16- or 17-year-old is presumed able; a parent assessed as lacking capacity cannot
    consent. Scope: categories, purposes, recipients (agencies or kinds), the
    recipients' own purposes. A consent also needs the four things of App. 2 Q4
    explained, freely given, informed and explicit affirmed, and a review date.
    A disagreement with someone else's record in force opens a conflict for the
    safeguarding lead (item 2).
    """
    if not can(actor, Action.CONSENT_RECORD, ConsentTarget(child=child)):
        raise Forbidden("You cannot record consent about this child.")
    agency = _agency(actor)
    now = clock.now()
    errors: Errors = {}
    child = _child(errors, "child_id", child)
    decision = clean_choice(
        decision,
        ConsentDecision,
        field="decision",
        label="whether consent was given or refused",
        errors=errors,
    )
    given = decision == ConsentDecision.GIVEN
    giver_role = clean_choice(
        giver_role, GiverRole, field="giver_role", label="who decided", errors=errors
    )
    method = clean_choice(
        method, ConsentMethod, field="method", label="how it was given", errors=errors
    )
    given_at = _moment(errors, "given_at", given_at, "when they decided", now=now)
    age, competent = _giver(
        errors,
        agency,
        child=child,
        given_by=given_by,
        role=giver_role,
        given_at=given_at,
        assessment=capacity_assessment,
        refusing=decision == ConsentDecision.REFUSED,
    )
    scope = _scope(
        errors,
        agency,
        given=given,
        categories=categories,
        purposes=purposes,
        recipient_agencies=recipient_agencies,
        recipient_agency_types=recipient_agency_types,
        recipient_purposes=recipient_purposes,
    )
    affirmations = {
        "explained_information": (
            explained_information,
            "what information is collected or will be shared",
        ),
        "explained_purposes": (explained_purposes, "the purposes it will be used for"),
        "explained_recipients": (explained_recipients, "who it might be shared with"),
        "explained_recipient_purposes": (
            explained_recipient_purposes,
            "what the recipients might use it for, including the detection of crime",
        ),
    }
    for field, (value, what) in affirmations.items():
        if value not in (True, False):
            add_error(errors, field, "Answer yes or no.", "boolean_required")
        elif given and not value:
            add_error(
                errors,
                field,
                f"Consent is informed only once you have explained {what} (Protocol App. 2 Q4).",
                "not_explained",
            )
    for field, value, word in (
        ("freely_given", freely_given, "freely given"),
        ("informed", informed, "informed"),
        ("explicit", explicit, "explicit"),
    ):
        if value not in (True, False):
            add_error(errors, field, "Answer yes or no.", "boolean_required")
        elif given and not value:
            add_error(
                errors, field, f"Consent must be {word} (Protocol App. 2 Q4).", "not_affirmed"
            )
    evidence = clean_text(
        evidence, field="evidence", label="the evidence", errors=errors, required=False
    )
    reasons = clean_text(
        reasons, field="reasons", label="their reasons", errors=errors, required=False
    )
    review_on = _date(errors, "review_on", review_on, "the review date")
    expires_on = _date(errors, "expires_on", expires_on, "the end date")
    if given_at is not None:
        day = timezone.localdate(given_at)
        if given and review_on is None and "review_on" not in errors:
            add_error(errors, "review_on", "Enter when the consent is to be reviewed.", "required")
        if review_on is not None and review_on <= day:
            add_error(
                errors,
                "review_on",
                "The review date must be after the consent.",
                "review_before_consent",
            )
        elif review_on is not None and review_on > day + REVIEW_WITHIN:
            add_error(errors, "review_on", "Review consent within two years.", "review_too_late")
        if expires_on is not None and expires_on <= day:
            add_error(
                errors,
                "expires_on",
                "The end date must be after the consent.",
                "expiry_before_consent",
            )
    raise_if(errors)
    assert child is not None and given_at is not None

    consent = Consent(
        id=uuid.uuid4(),
        child=child,
        agency=agency,
        decision=decision,
        given_by=given_by,
        giver_role=giver_role,
        capacity_assessment=capacity_assessment,
        giver_age=age,
        giver_competent=competent,
        categories=scope.categories,
        purposes=scope.purposes,
        recipient_agency_types=scope.recipient_agency_types,
        recipient_purposes=scope.recipient_purposes,
        explained_information=explained_information,
        explained_purposes=explained_purposes,
        explained_recipients=explained_recipients,
        explained_recipient_purposes=explained_recipient_purposes,
        freely_given=freely_given,
        informed=informed,
        explicit=explicit,
        method=method,
        given_at=given_at,
        review_on=review_on,
        expires_on=expires_on,
        recorded_by=actor,
        recorded_at=now,
    )
    consent.evidence_enc = _seal(child, consent.id, "evidence", evidence)
    consent.reasons_enc = _seal(child, consent.id, "reasons", reasons)
    validate_new(consent)
    consent.save(force_insert=True)
    links = Consent.recipient_agencies.through
    links.objects.bulk_create([links(consent=consent, agency=a) for a in scope.recipient_agencies])
    _ledger(
        EntryKind.CONSENT_RECORDED,
        actor=actor,
        agency=agency,
        child=child,
        payload={
            "consent": str(consent.pk),
            "decision": decision,
            "giver_role": giver_role,
            "given_by": given_by.reference,
            "capacity_assessment": str(capacity_assessment.pk) if capacity_assessment else None,
            "giver_competent": competent,
            "categories": scope.categories,
            "purposes": scope.purposes,
            "recipient_agencies": sorted(str(a.pk) for a in scope.recipient_agencies),
            "recipient_agency_types": scope.recipient_agency_types,
            "recipient_purposes": scope.recipient_purposes,
            "method": method,
            "given_at": given_at.isoformat(),
            "review_on": review_on.isoformat() if review_on else None,
            "expires_on": expires_on.isoformat() if expires_on else None,
        },
    )
    _detect_conflicts(actor=actor, record=consent, now=now)
    return consent


def _detect_conflicts(*, actor: User, record: Consent, now: datetime.datetime) -> None:
    """Open a conflict with each other person's record in force that disagrees (item 2)."""
    found = []
    for other in validity.records_in_force(record.child, record.agency, now):
        if other.given_by_id == record.given_by_id or other.decision == record.decision:
            continue
        consent, refusal = (record, other) if record.is_given else (other, record)
        if not refusal.giver_competent or not validity.overlaps(consent, refusal):
            continue
        child_involved = GiverRole.CHILD in (consent.giver_role, refusal.giver_role)
        conflict = ConsentConflict(
            child=record.child,
            agency=record.agency,
            kind=ConflictKind.CHILD_AND_PARENT if child_involved else ConflictKind.BETWEEN_PARENTS,
            consent=consent,
            refusal=refusal,
            detected_at=now,
        )
        validate_new(conflict)
        found.append(conflict)
    if not found:
        return
    ConsentConflict.objects.bulk_create(found)
    for conflict in found:
        _ledger(
            EntryKind.CONSENT_CONFLICT_DETECTED,
            actor=actor,
            agency=record.agency,
            child=record.child,
            payload={
                "conflict": str(conflict.pk),
                "kind": conflict.kind,
                "consent": str(conflict.consent_id),
                "refusal": str(conflict.refusal_id),
            },
        )
    notify.queue(
        actor=actor,
        agency=record.agency,
        kind=notify.NotificationKind.CONSENT_CONFLICT,
        users=notify.agency_leads(record.agency),
        path=reverse("consent:conflicts"),
    )


# --- withdrawal and continued use ---------------------------------------------------------


@transaction.atomic
def consent_withdraw(
    *,
    actor: User,
    consent: Consent,
    withdrawn_at: datetime.datetime,
    method: str,
    reasons: str = "",
) -> ConsentWithdrawal:
    """Record that consent was withdrawn (item 4). From then no new share may rely on it.
    It tells no one: `casework.withdrawal.consent_withdraw_and_tell` calls this and then
    tells each agency that received information under it."""
    if not can(actor, Action.CONSENT_WITHDRAW, consent):
        raise Forbidden("You cannot record a withdrawal of this consent.")
    now = clock.now()
    errors: Errors = {}
    if consent.child.is_shredded:
        add_error(errors, "consent_id", "This child's record has been erased.", "subject_erased")
    elif not consent.is_given:
        add_error(
            errors,
            "consent_id",
            "Only consent that was given can be withdrawn; record "
            "a new consent to change a refusal.",
            "consent_refused",
        )
    elif ConsentWithdrawal.objects.filter(consent=consent).exists():
        add_error(
            errors, "consent_id", "This consent has already been withdrawn.", "already_withdrawn"
        )
    withdrawn_at = _moment(errors, "withdrawn_at", withdrawn_at, "when it was withdrawn", now=now)
    if withdrawn_at is not None and withdrawn_at < consent.given_at:
        add_error(
            errors,
            "withdrawn_at",
            "Consent cannot be withdrawn before it was given.",
            "before_consent",
        )
    method = clean_choice(
        method, ConsentMethod, field="method", label="how it was withdrawn", errors=errors
    )
    reasons = clean_text(
        reasons, field="reasons", label="their reasons", errors=errors, required=False
    )
    raise_if(errors)
    assert withdrawn_at is not None
    withdrawal = ConsentWithdrawal(
        id=uuid.uuid4(),
        consent=consent,
        withdrawn_at=withdrawn_at,
        method=method,
        recorded_by=actor,
        recorded_at=now,
    )
    withdrawal.reasons_enc = _seal(consent.child, withdrawal.id, "reasons", reasons)
    validate_new(withdrawal)
    withdrawal.save(force_insert=True)
    consent.withdrawal = withdrawal
    _ledger(
        EntryKind.CONSENT_WITHDRAWN,
        actor=actor,
        agency=consent.agency,
        child=consent.child,
        payload={
            "consent": str(consent.pk),
            "withdrawal": str(withdrawal.pk),
            "withdrawn_at": withdrawn_at.isoformat(),
            "method": method,
        },
    )
    return withdrawal


# --- conflicts ----------------------------------------------------------------------------


@transaction.atomic
def conflict_guide(
    *, actor: User, conflict: ConsentConflict, guidance: str, outcome: str
) -> ConsentConflictGuidance:
    """The safeguarding lead's guidance on a disagreement, and its outcome (item 2)."""
    if not can(actor, Action.CONSENT_CONFLICT_GUIDE, conflict):
        raise Forbidden("Only a safeguarding lead of the agency gives guidance.")
    errors: Errors = {}
    if conflict.child.is_shredded:
        add_error(errors, "conflict_id", "This child's record has been erased.", "subject_erased")
    elif ConsentConflictGuidance.objects.filter(conflict=conflict).exists():
        add_error(errors, "conflict_id", "Guidance has already been recorded.", "already_guided")
    guidance = clean_text(
        guidance, field="guidance", label="your guidance", errors=errors, required=True
    )
    outcome = clean_choice(
        outcome, ConflictOutcome, field="outcome", label="the outcome", errors=errors
    )
    raise_if(errors)
    record = ConsentConflictGuidance(
        id=uuid.uuid4(),
        conflict=conflict,
        given_by=actor,
        given_at=clock.now(),
        outcome=outcome,
    )
    record.guidance_enc = _seal(conflict.child, record.id, "guidance", guidance)
    validate_new(record)
    record.save(force_insert=True)
    _ledger(
        EntryKind.CONSENT_CONFLICT_GUIDED,
        actor=actor,
        agency=conflict.agency,
        child=conflict.child,
        payload={"conflict": str(conflict.pk), "guidance": str(record.pk), "outcome": outcome},
    )
    return record


# --- the notice at first contact ----------------------------------------------------------


@transaction.atomic
def notice_record(
    *,
    actor: User,
    person: Person,
    told_on: datetime.date,
    method: str,
    told_to: Person | None = None,
) -> PrivacyNotice:
    """Record that the person (or, for them, a parent or carer) was told how the agency
    shares information and on what basis (Protocol 6.2)."""
    if not can(actor, Action.NOTICE_RECORD, NoticeTarget(person=person)):
        raise Forbidden("You cannot record a notice for this person.")
    agency = _agency(actor)
    errors: Errors = {}
    if person.is_shredded:
        add_error(errors, "person_id", "This person's record has been erased.", "subject_erased")
    if told_on is None or told_on == "":
        add_error(errors, "told_on", "Enter the date they were told.", "required")
    elif isinstance(told_on, datetime.datetime) or not isinstance(told_on, datetime.date):
        add_error(errors, "told_on", "Enter the date they were told as a date.", "invalid")
    elif told_on > clock.today():
        add_error(errors, "told_on", "The date must be today or in the past.", "future")
    method = clean_choice(
        method, NoticeMethod, field="method", label="how they were told", errors=errors
    )
    if told_to is not None:
        if not isinstance(told_to, Person) or told_to.pk == person.pk:
            told_to = None
        elif told_to.pk not in {p.pk for p in _related_people(person)}:
            add_error(
                errors,
                "told_to_id",
                "Choose someone recorded as related to the person.",
                "not_related",
            )
    raise_if(errors)
    notice = PrivacyNotice(
        person=person,
        agency=agency,
        told_on=told_on,
        method=method,
        told_to=told_to,
        recorded_by=actor,
        recorded_at=clock.now(),
    )
    validate_new(notice)
    notice.save(force_insert=True)
    _ledger(
        EntryKind.NOTICE_RECORDED,
        actor=actor,
        agency=agency,
        child=person,
        payload={
            "notice": str(notice.pk),
            "told_on": told_on.isoformat(),
            "method": method,
            "told_to": told_to.reference if told_to else None,
        },
    )
    return notice
