"""Recording a consent or a refusal, and the conflicts it opens (issue #5 items 1-2).

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
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from safeshare.access.actions import Action
from safeshare.access.policy import require
from safeshare.access.rules.consent import ConsentTarget
from safeshare.agencies import notify
from safeshare.agencies.models import Agency, User
from safeshare.consent import validity
from safeshare.consent.models import (
    CapacityAssessment,
    ConflictKind,
    Consent,
    ConsentConflict,
    ConsentDecision,
    ConsentMethod,
    GiverRole,
)
from safeshare.consent.services._common import (
    _agency,
    _child,
    _date,
    _ledger,
    _moment,
)
from safeshare.consent.services.scope import _scope
from safeshare.core import clock
from safeshare.core.cleaning import clean_choice, clean_text
from safeshare.core.errors import Errors, add_error, raise_if
from safeshare.core.validation import validate_new
from safeshare.ledger.kinds import EntryKind
from safeshare.people.identity import read_identity
from safeshare.people.models import Person

REVIEW_WITHIN = datetime.timedelta(days=2 * 366)  # consent is reviewed at least every two years


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
    require(
        actor,
        Action.CONSENT_RECORD,
        ConsentTarget(child=child),
        "You cannot record consent about this child.",
    )
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
    consent.evidence = evidence
    consent.reasons = reasons
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
