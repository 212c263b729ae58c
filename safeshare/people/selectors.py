"""Reads of people, relationships and involvements.

Searches take a queryset the access layer has already scoped
(``access.visible(user, Person.objects.all())``), so a search can never
reach past what the user may see (STYLE §2). Identity is decrypted here,
through ``person_identity``, and nowhere else.
"""

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from safeshare.agencies.models import Agency
from safeshare.core import clock, crypto

from . import identity as ident
from .identity import ERASED, UNREADABLE, Erased, Identity, PersonIdentity
from .models import Involvement, Person, PersonKind, Relationship
from .sealing import ErasedText, open_text

__all__ = [
    "ERASED",
    "UNREADABLE",
    "Erased",
    "Identity",
    "PersonIdentity",
    "involvements_for_person",
    "parental_responsibility_holders",
    "people_for_agency",
    "people_with_involvements",
    "person_find_by_name_and_dob",
    "person_find_by_nhs_number",
    "person_identities",
    "person_identity",
    "relationships_for_person",
]


def person_identity(person: Person) -> PersonIdentity:
    """The person's identity in the clear, or ``ERASED`` once their key is destroyed.

    Never raises for a destroyed key or a failed integrity check: both read as
    an :class:`Erased` state that pages show as "Erased" (issue #3 item 4).
    The result is cached on the instance for as long as its row is unchanged.
    """
    return ident.read_identity(person)


def person_identities(people: Iterable[Person]) -> dict:
    """Identities for many people at once, keyed by person id (no extra queries)."""
    return {person.pk: ident.read_identity(person) for person in people}


def person_find_by_nhs_number(*, queryset: QuerySet[Person], nhs_number: str) -> Person | None:
    """The person with this NHS number within the scoped queryset, or None.

    An invalid number raises ValidationError on ``nhs_number`` so the search
    form can say why; an erased person is never found (their index is gone).
    """
    try:
        normalised = crypto.normalise_nhs_number(nhs_number)
    except ValidationError as error:
        raise ValidationError({"nhs_number": error.messages}) from error
    return queryset.filter(nhs_number_index=ident.nhs_number_index(normalised)).first()


def person_find_by_name_and_dob(
    *,
    queryset: QuerySet[Person],
    given_name: str,
    family_name: str,
    date_of_birth: datetime.date,
) -> QuerySet[Person]:
    """People whose normalised names and date of birth match exactly.

    Case, spacing, punctuation and accents do not matter ("Zoë Smith-Jones" finds
    "zoe smith jones"); the date of birth must be the same day. Several people
    can share a name and birthday, so this returns a queryset.
    """
    errors: dict[str, list[str]] = {}
    if not crypto.normalise_name(given_name or ""):
        errors["given_name"] = ["Enter the given name."]
    if not crypto.normalise_name(family_name or ""):
        errors["family_name"] = ["Enter the family name."]
    if isinstance(date_of_birth, datetime.datetime) or not isinstance(date_of_birth, datetime.date):
        errors["date_of_birth"] = ["Enter the date of birth as a real date."]
    if errors:
        raise ValidationError(errors)
    index = ident.name_dob_index(given_name, family_name, date_of_birth)
    return queryset.filter(name_dob_index=index)


def people_for_agency(
    *, queryset: QuerySet[Person], agency: Agency, include_ended: bool = False
) -> QuerySet[Person]:
    """People the agency works with now (or ever, with ``include_ended``), newest first
    (id breaks ties, so a paged list never skips or repeats a person).

    Never DISTINCT over the wide encrypted rows: on PostgreSQL that cost the
    caseload most of its time (docs/performance.md). An agency has at most one
    open involvement with a person (``involvement_unique_open``), so joining it
    lists each person once, and the join is what SQLite and PostgreSQL both
    page fastest; past involvements can be many, so ``include_ended`` asks
    with EXISTS instead.
    """
    if include_ended:
        ever = Involvement.objects.filter(agency=agency, person=OuterRef("pk"))
        return queryset.filter(Exists(ever)).order_by("-created_at", "-id")
    return queryset.filter(
        involvements__agency=agency, involvements__ended_on__isnull=True
    ).order_by("-created_at", "-id")


def relationships_for_person(
    *, person: Person, include_ended: bool = False
) -> QuerySet[Relationship]:
    """The person's relationships in both directions, with both people loaded (no N+1)."""
    relationships = Relationship.objects.filter(
        Q(person=person) | Q(related_person=person)
    ).select_related("person", "related_person")
    if not include_ended:
        relationships = relationships.filter(ended_on__isnull=True)
    return relationships.order_by("relationship_type", "created_at")


def parental_responsibility_holders(
    *, child: Person, on: datetime.date | None = None
) -> list[Person]:
    """Who holds parental responsibility for the child on a date (Children Act 1989 s3).

    The people asked to consent for a child who cannot (Protocol App. 2 Q4).
    Erased people are left out: they can no longer be identified or asked.
    """
    if child.kind != PersonKind.CHILD:
        return []
    on = on or clock.today()
    relationships = (
        Relationship.objects.filter(
            person=child,
            has_parental_responsibility=True,
            related_person__shredded_at__isnull=True,
        )
        .filter(Q(started_on__isnull=True) | Q(started_on__lte=on))
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=on))
        .select_related("related_person")
        .order_by("created_at")
    )
    return [relationship.related_person for relationship in relationships]


def involvements_for_person(*, person: Person, include_ended: bool = True) -> QuerySet[Involvement]:
    """The agencies working (or who worked) with the person, agency loaded."""
    involvements = Involvement.objects.filter(person=person).select_related("agency")
    if not include_ended:
        involvements = involvements.filter(ended_on__isnull=True)
    return involvements.order_by("started_on", "created_at")


def involvement_began_on(*, agency: Agency, person: Person) -> datetime.date | None:
    """The day the agency's first involvement with the person began (None: it has none)."""
    first = (
        Involvement.objects.filter(agency=agency, person=person)
        .order_by("started_on")
        .values_list("started_on", flat=True)
        .first()
    )
    return first


def people_with_involvements(*, queryset: QuerySet[Person]) -> QuerySet[Person]:
    """A scoped queryset with open involvements and their agencies prefetched (for lists)."""
    return queryset.prefetch_related(
        Prefetch(
            "involvements",
            queryset=Involvement.objects.filter(ended_on__isnull=True).select_related("agency"),
            to_attr="open_involvements",
        )
    )


def involvement_reason(involvement: Involvement) -> str | ErasedText | None:
    """The service or reason an agency gave for working with the person, opened."""
    return open_text(
        involvement.person,
        record_id=involvement.id,
        field="involvement_reason",
        blob=involvement.reason_enc,
    )
