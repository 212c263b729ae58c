"""Reads of consent records (issue #5). Every read starts from `access.visible`; lists use a
fixed number of queries whatever their length."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, F, OuterRef, QuerySet

from safeshare.access.policy import active_agency, visible, visible_people_worked_with
from safeshare.consent import validity
from safeshare.consent.models import (
    CapacityAssessment,
    Consent,
    ConsentConflict,
    ConsentConflictGuidance,
    ConsentWithdrawal,
    PrivacyNotice,
)
from safeshare.core import clock
from safeshare.core.sealed import ErasedText
from safeshare.people.models import Person
from safeshare.people.selectors import people_for_agency, person_identities


def consents_for_child(user: Any, child: Person) -> QuerySet[Consent]:
    """Every consent and refusal about the child the user's agency recorded, newest first."""
    return (
        visible(user, Consent.objects.filter(child=child))
        .select_related("given_by", "recorded_by", "withdrawal", "capacity_assessment", "agency")
        .prefetch_related("recipient_agencies")
        .order_by("-given_at", "-created_at")
    )


def consent_get_for_child(user: Any, child: Person, consent_id: Any) -> Consent | None:
    """One consent or refusal about the child the user may see, None otherwise."""
    return visible(user, Consent.objects.filter(child=child)).filter(pk=consent_id).first()


def consents_on_file(user: Any, child: Person) -> list[Consent]:
    """Each person's consent or refusal in force now (golden rule 4: respect their wishes
    where possible, whether or not a decision relies on consent)."""
    agency = active_agency(user)
    if agency is None:
        return []
    in_force = validity.records_in_force(child, agency, clock.now())
    ids = set(
        visible(user, Consent.objects.filter(pk__in=[c.pk for c in in_force])).values_list(
            "pk", flat=True
        )
    )
    return [c for c in in_force if c.pk in ids]


def consent_choices(on_file: list[Consent]) -> list[tuple[str, str]]:
    """(id, "Given by <name> on <date>") for a form that cites a consent or refusal on file."""
    from django.utils import timezone

    names = person_identities([c.given_by for c in on_file]) if on_file else {}
    return [
        (
            str(c.pk),
            f"{c.get_decision_display()} by {names[c.given_by_id].display_name} on "
            f"{timezone.localtime(c.given_at):%-d %B %Y}",
        )
        for c in on_file
    ]


def consents_usable(user: Any, child: Person) -> list[Consent]:
    """Consents (not refusals) that a decision about the child may cite now: in force, not
    past review, their giver still able to give them (scope is checked when deciding)."""
    agency = active_agency(user)
    now = clock.now()
    return [
        c
        for c in consents_on_file(user, child)
        if c.is_given
        and not validity.problems(c, validity.Need(child=child, agency=agency, at=now))
    ]


def capacity_assessments_visible(user: Any) -> QuerySet[CapacityAssessment]:
    """Every capacity assessment the user may see (a body cites one by id)."""
    return visible(user, CapacityAssessment.objects.all())


def capacity_assessments_for(user: Any, child: Person) -> QuerySet[CapacityAssessment]:
    return (
        visible(user, CapacityAssessment.objects.filter(child=child))
        .select_related("person", "assessed_by")
        .order_by("-assessed_at", "-created_at")
    )


def conflicts_open(user: Any) -> QuerySet[ConsentConflict]:
    """Disagreements at the user's agency still awaiting a safeguarding lead's guidance."""
    guided = ConsentConflictGuidance.objects.filter(conflict=OuterRef("pk"))
    return (
        visible(user, ConsentConflict.objects.all())
        .filter(~Exists(guided))
        .select_related("child", "consent__given_by", "refusal__given_by")
        .order_by("detected_at", "id")
    )


def conflicts_for_child(user: Any, child: Person) -> QuerySet[ConsentConflict]:
    return (
        visible(user, ConsentConflict.objects.filter(child=child))
        .select_related("consent__given_by", "refusal__given_by", "guidance__given_by")
        .order_by("-detected_at")
    )


def people_without_notice(user: Any) -> QuerySet[Person]:
    """People the user's agency works with who have no record of being told how it shares
    information (Protocol 6.2), longest-waiting first: by the day the agency's open
    involvement began (``involved_since``, read from the involvement
    ``people_for_agency`` joins), id breaking ties for paging."""
    agency = active_agency(user)
    if agency is None:
        return Person.objects.none()
    told = PrivacyNotice.objects.filter(person=OuterRef("pk"), agency=agency)
    return (
        people_for_agency(
            queryset=visible_people_worked_with(user, Person.objects.all()), agency=agency
        )
        .filter(~Exists(told), shredded_at__isnull=True)
        .annotate(involved_since=F("involvements__started_on"))
        .order_by("involved_since", "created_at", "id")
    )


def notices_for(user: Any, person: Person) -> QuerySet[PrivacyNotice]:
    return (
        visible(user, PrivacyNotice.objects.filter(person=person))
        .select_related("told_to", "recorded_by")
        .order_by("-told_on", "-created_at")
    )


def withdrawal_reasons(withdrawal: ConsentWithdrawal) -> str | ErasedText | None:
    return withdrawal.reasons


def sealed(child: Person, record: Any, field: str) -> str | ErasedText | None:
    """Open one sealed field of a consent-area record under the child's key, already held."""
    return getattr(type(record), field).open_for(record, child)
