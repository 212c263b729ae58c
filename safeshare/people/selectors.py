"""Reads of people, relationships and involvements.

Searches take a queryset the access layer has already scoped
(``access.visible(user, Person.objects.all())``), so a search can never
reach past what the user may see (STYLE §2). Identity is decrypted here,
through ``person_identity``, and nowhere else.
"""

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from safeshare.access.policy import visible, visible_people_worked_with
from safeshare.agencies.models import Agency
from safeshare.core import clock, crypto
from safeshare.core.sealed import ErasedText

from . import identity as ident
from .identity import ERASED, UNREADABLE, Erased, Identity, PersonIdentity
from .models import IdentityField, Involvement, Person, PersonKind, Relationship

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
    "person_identities_for",
    "person_identity",
    "person_identity_for",
    "person_search",
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


def person_identities_for(user, people: Iterable[Person]) -> dict:
    """Identities as the user may see them, keyed by person id: whole for an agency that
    works with the person; a recipient sees only the fields its open shares carry
    (``access.policy.identity_fields_shown``). Every page or API answer that can reach a
    person outside the user's own agency reads identity through this."""
    from safeshare.access.policy import identity_fields_shown

    people = list(people)
    shown = identity_fields_shown(user, people)
    return {
        person.pk: ident.withhold(ident.read_identity(person), shown[person.pk])
        for person in people
    }


def person_identity_for(user, person: Person) -> PersonIdentity:
    """One person's identity as the user may see it (see ``person_identities_for``)."""
    return person_identities_for(user, [person])[person.pk]


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


SEARCH_NEEDS_IDENTIFIER = "Enter an NHS number, or a given name, family name and date of birth."


def person_search(
    user,
    *,
    nhs_number: str | None,
    given_name: str | None,
    family_name: str | None,
    date_of_birth: datetime.date | None,
) -> list[Person]:
    """Exact match by NHS number, or by name and date of birth, among the people the user
    may find by those fields (``access.policy.visible_people_findable_by``): a person seen
    only through shares received is found by a field only if the shares carry it, so a
    search never confirms an NHS number the recipient was not given."""
    from safeshare.access.policy import visible_people_findable_by

    if nhs_number:
        scope = visible_people_findable_by(user, Person.objects.all(), _BY_NHS_NUMBER)
        found = person_find_by_nhs_number(queryset=scope, nhs_number=nhs_number)
        return [found] if found else []
    if given_name or family_name or date_of_birth:
        scope = visible_people_findable_by(user, Person.objects.all(), _BY_NAME_AND_DOB)
        return list(
            person_find_by_name_and_dob(
                queryset=scope,
                given_name=given_name or "",
                family_name=family_name or "",
                date_of_birth=date_of_birth,
            )
        )
    raise ValidationError(
        {"nhs_number": [ValidationError(SEARCH_NEEDS_IDENTIFIER, code="search_needs_identifier")]}
    )


_BY_NHS_NUMBER = frozenset({IdentityField.NHS_NUMBER})
_BY_NAME_AND_DOB = frozenset({IdentityField.NAME, IdentityField.DATE_OF_BIRTH})


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
        ever = Involvement.objects.for_agency(agency).filter(person=OuterRef("pk"))
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
        involvements = involvements.open()
    return involvements.order_by("started_on", "created_at")


def involvement_began_on(*, agency: Agency, person: Person) -> datetime.date | None:
    """The day the agency's first involvement with the person began (None: it has none)."""
    return (
        Involvement.objects.for_agency(agency)
        .filter(person=person)
        .order_by("started_on")
        .values_list("started_on", flat=True)
        .first()
    )


def people_with_involvements(*, queryset: QuerySet[Person]) -> QuerySet[Person]:
    """A scoped queryset with open involvements and their agencies prefetched (for lists)."""
    return queryset.prefetch_related(
        Prefetch(
            "involvements",
            queryset=Involvement.objects.open().select_related("agency"),
            to_attr="open_involvements",
        )
    )


def involvement_reason(involvement: Involvement) -> str | ErasedText | None:
    """The service or reason an agency gave for working with the person, opened."""
    return involvement.reason


def people_visible(user: Any) -> QuerySet[Person]:
    """Every person the user may see (worked with, or in a share received)."""
    return visible(user, Person.objects.all())


def people_worked_with(user: Any) -> QuerySet[Person]:
    """People the user's agency works or worked with (the caseload's scope)."""
    return visible_people_worked_with(user, Person.objects.all())


def people_visible_among(user: Any, people: Iterable[Person]) -> list[Person]:
    """Those of these people the user may see, in the order given, in one query."""
    people = list(people)
    seen = set(
        visible(user, Person.objects.filter(pk__in=[p.pk for p in people])).values_list(
            "pk", flat=True
        )
    )
    return [p for p in people if p.pk in seen]
