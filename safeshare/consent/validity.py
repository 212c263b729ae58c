"""Whether a consent may be relied on for a sharing, at a moment (issue #5 item 3).

A decision or share relying on consent is accepted only if the consent covers
this child, this purpose, each recipient and each category of information,
and is not withdrawn, expired or past its review date; its giver must still
be able to give it (parental responsibility, capacity); and no live refusal
by someone else whose wishes count stands against it without the
safeguarding lead's guidance that the consent stands (App. 2 Q4). Each
problem names the part that is missing, so the page and the API can say
exactly what to do.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils import timezone

from safeshare.agencies.models import Agency
from safeshare.consent.models import (
    CapacityAssessment,
    CapacityConclusion,
    ConflictOutcome,
    Consent,
    ConsentConflict,
    ConsentDecision,
    GiverRole,
    ItemCategory,
    SharingPurpose,
)
from safeshare.people.models import Person
from safeshare.people.selectors import parental_responsibility_holders


@dataclass(frozen=True)
class Need:
    """What a sharing needs the consent to cover. None means "not known yet" (a decision
    does not know the categories its share will carry)."""

    child: Person
    agency: Agency
    at: datetime.datetime
    purpose: str | None = None
    recipients: Sequence[Agency] = ()
    categories: Sequence[str] | None = None


@dataclass(frozen=True)
class Problem:
    """One part of the need the consent does not meet. `part` says which: consent,
    purpose, recipient (with its index), category (with its index)."""

    part: str
    index: int | None
    message: str
    code: str


def covers_recipient(consent: Consent, agency: Agency, named: set | None = None) -> bool:
    if named is None:
        named = set(consent.recipient_agencies.values_list("pk", flat=True))
    return agency.pk in named or agency.agency_type in consent.recipient_agency_types


def in_force(consent: Consent, at: datetime.datetime) -> bool:
    """Given or refused by then, not withdrawn by then, not expired."""
    if consent.given_at > at:
        return False
    withdrawal = getattr(consent, "withdrawal", None)
    if withdrawal is not None and withdrawal.withdrawn_at <= at:
        return False
    return consent.expires_on is None or consent.expires_on >= timezone.localdate(at)


def latest_capacity(
    person: Person, at: datetime.datetime, agency: Agency
) -> CapacityAssessment | None:
    """The agency's latest assessment of the person by then. Another agency's assessment is
    its own record: it is neither seen nor relied on here."""
    return (
        CapacityAssessment.objects.filter(person=person, agency=agency, assessed_at__lte=at)
        .order_by("-assessed_at", "-created_at")
        .first()
    )


def giver_problem(
    *,
    child: Person,
    giver: Person,
    role: str,
    at: datetime.datetime,
    age: int | None,
    assessment: CapacityAssessment | None,
) -> tuple[str, str] | None:
    """Why this person cannot give or refuse consent for the child now, or None.

    The child: 16 or 17 is presumed able (unless assessed as not able); under 16
    needs an assessment that they can understand (App. 2 Q4). Anyone else must hold
    parental responsibility and must not have been assessed as lacking capacity.
    """
    if role == GiverRole.CHILD:
        if giver.pk != child.pk:
            return ("The child's own consent is given by the child.", "giver_not_child")
        if assessment is not None and assessment.conclusion == CapacityConclusion.LACKS_CAPACITY:
            return (
                "The child was assessed as not able to understand and decide; ask a person "
                "with parental responsibility.",
                "child_lacks_capacity",
            )
        if (
            age is not None
            and age < 16
            and (assessment is None or assessment.conclusion != CapacityConclusion.HAS_CAPACITY)
        ):
            return (
                "A child under 16 can consent only after a recorded assessment that they can "
                "understand and decide (Protocol App. 2 Q4).",
                "capacity_assessment_required",
            )
        return None
    holders = parental_responsibility_holders(child=child, on=timezone.localdate(at))
    if giver.pk not in {p.pk for p in holders}:
        return (
            "Only the child or a person with parental responsibility for the child can give "
            "or refuse consent.",
            "no_parental_responsibility",
        )
    if assessment is not None and assessment.conclusion == CapacityConclusion.LACKS_CAPACITY:
        return (
            "This person was assessed as lacking capacity, so their consent is not valid.",
            "giver_lacks_capacity",
        )
    return None


def _recipients_overlap(a: Consent, b: Consent) -> bool:
    a_agencies, b_agencies = list(a.recipient_agencies.all()), list(b.recipient_agencies.all())
    a_types, b_types = set(a.recipient_agency_types), set(b.recipient_agency_types)
    if {x.pk for x in a_agencies} & {x.pk for x in b_agencies} or a_types & b_types:
        return True
    return any(x.agency_type in b_types for x in a_agencies) or any(
        x.agency_type in a_types for x in b_agencies
    )


def overlaps(consent: Consent, refusal: Consent, *, purpose: str | None = None) -> bool:
    """Whether a refusal speaks to what the consent allows: a shared purpose, category and
    recipient. With a purpose, only that purpose counts."""
    purposes = set(refusal.purposes) & set(consent.purposes)
    if purpose is not None:
        purposes &= {purpose}
    if not purposes or not set(refusal.categories) & set(consent.categories):
        return False
    return _recipients_overlap(consent, refusal)


def records_in_force(child: Person, agency: Agency, at: datetime.datetime) -> list[Consent]:
    """Each giver's latest record about the child for the agency, if in force at `at` (a
    later record from the same person replaces an earlier one)."""
    records = (
        Consent.objects.filter(child=child, agency=agency, given_at__lte=at)
        .select_related("given_by", "withdrawal")
        .order_by("given_by_id", "-given_at", "-created_at")
    )
    latest: dict = {}
    for record in records:
        latest.setdefault(record.given_by_id, record)
    return [r for r in latest.values() if in_force(r, at)]


def standing_refusals(consent: Consent, at: datetime.datetime, purpose: str | None) -> list:
    """Refusals in force, by someone else, that speak to this consent's scope and that no
    guidance has set aside."""
    set_aside = set(
        ConsentConflict.objects.filter(
            consent=consent, guidance__outcome=ConflictOutcome.CONSENT_STANDS
        ).values_list("refusal_id", flat=True)
    )
    return [
        record
        for record in records_in_force(consent.child, consent.agency, at)
        if record.decision == ConsentDecision.REFUSED
        and record.giver_competent
        and record.given_by_id != consent.given_by_id
        and record.pk not in set_aside
        and overlaps(consent, record, purpose=purpose)
    ]


def problems(consent: Consent | None, need: Need) -> list[Problem]:
    """Everything that stops the consent being relied on for the need, each naming its part."""
    if consent is None:
        return [Problem("consent", None, "Choose the consent you rely on.", "required")]
    found: list[Problem] = []

    def add(part: str, message: str, code: str, index: int | None = None) -> None:
        found.append(Problem(part, index, message, code))

    if consent.decision != ConsentDecision.GIVEN:
        add("consent", "This record is a refusal: it cannot be relied on.", "consent_refused")
        return found
    if consent.child_id != need.child.pk:
        add("consent", "The consent is about another child.", "consent_person")
        return found
    if consent.agency_id != need.agency.pk:
        add("consent", "The consent was given to another agency.", "consent_agency")
        return found
    today = timezone.localdate(need.at)
    withdrawal = getattr(consent, "withdrawal", None)
    if consent.given_at > need.at:
        add("consent", "The consent was given after this time.", "consent_not_yet_given")
    elif withdrawal is not None and withdrawal.withdrawn_at <= need.at:
        add(
            "consent",
            f"The consent was withdrawn on {timezone.localdate(withdrawal.withdrawn_at):%d %B %Y}.",
            "consent_withdrawn",
        )
    elif consent.expires_on is not None and consent.expires_on < today:
        add("consent", f"The consent expired on {consent.expires_on:%d %B %Y}.", "consent_expired")
    elif consent.review_on is not None and consent.review_on < today:
        add(
            "consent",
            f"The consent was due for review on {consent.review_on:%d %B %Y}: review it with "
            "the family and record it again.",
            "consent_review_overdue",
        )
    later = (
        Consent.objects.filter(
            child_id=consent.child_id,
            agency_id=consent.agency_id,
            given_by_id=consent.given_by_id,
            given_at__gt=consent.given_at,
            given_at__lte=need.at,
        )
        .order_by("given_at")
        .first()
    )
    if later is not None:
        add(
            "consent",
            f"The same person recorded a later answer on "
            f"{timezone.localdate(later.given_at):%d %B %Y}, which replaces this one.",
            "consent_replaced",
        )
    giver = giver_problem(
        child=consent.child,
        giver=consent.given_by,
        role=consent.giver_role,
        at=need.at,
        age=None,  # the age when given was checked when it was recorded
        assessment=latest_capacity(consent.given_by, need.at, need.agency),
    )
    if giver is not None:
        add("consent", *giver)
    if need.purpose is not None and need.purpose not in consent.purposes:
        label = SharingPurpose(need.purpose).label if need.purpose in SharingPurpose.values else ""
        add(
            "purpose",
            f"The consent does not cover this purpose{': ' + label.lower() if label else ''}.",
            "consent_purpose",
        )
    named = set(consent.recipient_agencies.values_list("pk", flat=True))
    for index, agency in enumerate(need.recipients):
        if not covers_recipient(consent, agency, named):
            add(
                "recipient",
                f"The consent does not cover sharing with {agency.name}.",
                "consent_recipient",
                index,
            )
    for index, category in enumerate(need.categories or ()):
        if category not in consent.categories:
            label = ItemCategory(category).label if category in ItemCategory.values else category
            add(
                "category",
                f"The consent does not cover {label.lower()} information.",
                "consent_category",
                index,
            )
    for refusal in standing_refusals(consent, need.at, need.purpose):
        who = (
            "The child"
            if refusal.giver_role == GiverRole.CHILD
            else ("Another person with parental responsibility")
        )
        add(
            "consent",
            f"{who} refused on {timezone.localdate(refusal.given_at):%d %B %Y}. Ask your "
            "safeguarding lead for guidance on the disagreement before relying on this "
            "consent (Protocol App. 2 Q4).",
            "consent_conflict",
        )
    return found


def on_file(child: Person, agency: Agency, at: datetime.datetime) -> list[Consent]:
    """Consents and refusals in force for the child at the agency, to show beside any
    decision so the person's wishes are respected where possible (golden rule 4)."""
    return records_in_force(child, agency, at)
