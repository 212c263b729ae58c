"""Rules for data subjects (DESIGN: access; Protocol App. 2 Q6 need to know)."""

import uuid
from collections.abc import Iterable
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from safeshare.access.actions import Action, Relation
from safeshare.access.rules.exchange import received_shares
from safeshare.access.rules.roles import PERSON_RULES
from safeshare.agencies.models import Agency, User
from safeshare.exchange.models import identity_fields_carried
from safeshare.people.models import IdentityField, Involvement, Person

ALL_IDENTITY_FIELDS = frozenset(IdentityField.values)
NO_IDENTITY_FIELDS: frozenset[str] = frozenset()
_CARRIES: dict[str, str] = {
    IdentityField.NAME: "share__carries_name",
    IdentityField.DATE_OF_BIRTH: "share__carries_date_of_birth",
    IdentityField.NHS_NUMBER: "share__carries_nhs_number",
}


def relation_to_person(user: Any, agency: Agency | None, person: Person) -> Relation:
    """Own agency if it works (or worked) with the person; recipient if a share about
    the person is open to the user; other agency otherwise; none without a membership
    (`agency` is the user's active agency, or None)."""
    if agency is None:
        return Relation.NONE
    if Involvement.objects.for_agency(agency).filter(person=person).exists():
        return Relation.OWN_AGENCY
    if received_shares(user, agency).filter(share__subject=person).exists():
        return Relation.RECIPIENT
    return Relation.OTHER_AGENCY


def can_person(user: User, agency: Agency, action: Action, person: Person) -> bool:
    allowed = PERSON_RULES[relation_to_person(user, agency, person)].get(action, frozenset())
    return bool(user.roles & allowed)


def scope_people_worked_with(agency: Agency, queryset: QuerySet[Any]) -> QuerySet[Any]:
    own = Involvement.objects.for_agency(agency).filter(person=OuterRef("pk"))
    return queryset.filter(Exists(own))


def scope_people(user: User, agency: Agency, queryset: QuerySet[Any]) -> QuerySet[Any]:
    own = Involvement.objects.for_agency(agency).filter(person=OuterRef("pk"))
    received = received_shares(user, agency).filter(share__subject=OuterRef("pk"))
    return queryset.filter(Exists(own) | Exists(received))


def identity_fields_shown(
    user: Any, agency: Agency | None, people: Iterable[Person]
) -> dict[uuid.UUID, frozenset[str]]:
    """For each person (by id), the identity fields the user may see (IdentityField values).

    All of them where the user's agency works or worked with the person; where it only
    received shares about them, the fields those open shares carry and nothing else
    (Protocol App. 2 Q6); none otherwise. Two queries, whatever the number of people.
    """
    ids = [person.pk for person in people]
    if agency is None or not ids:
        return dict.fromkeys(ids, NO_IDENTITY_FIELDS)
    own = set(
        Involvement.objects.for_agency(agency)
        .filter(person_id__in=ids)
        .values_list("person_id", flat=True)
    )
    shown = {pk: ALL_IDENTITY_FIELDS if pk in own else NO_IDENTITY_FIELDS for pk in ids}
    others = [pk for pk in ids if pk not in own]
    if others:
        carried = received_shares(user, agency).filter(share__subject_id__in=others)
        for subject_id, *flags in carried.values_list("share__subject_id", *_CARRIES.values()):
            shown[subject_id] = shown[subject_id] | identity_fields_carried(*flags)
    return shown


def scope_people_findable_by(
    user: User, agency: Agency, queryset: QuerySet[Any], fields: frozenset[str]
) -> QuerySet[Any]:
    """People the user may find by these identity fields: those the agency works with,
    and those of shares received that carry every one of the fields, so a search by a
    field never confirms a person whose shares withheld it."""
    own = Involvement.objects.for_agency(agency).filter(person=OuterRef("pk"))
    received = received_shares(user, agency).filter(
        share__subject=OuterRef("pk"), **{_CARRIES[field]: True for field in fields}
    )
    return queryset.filter(Exists(own) | Exists(received))
