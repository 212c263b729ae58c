"""Rules for data subjects (DESIGN: access; Protocol App. 2 Q6 need to know)."""

from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from safeshare.access.actions import Action, Relation
from safeshare.access.policy import active_agency, received_shares, register
from safeshare.access.rules.roles import PERSON_RULES
from safeshare.agencies.models import Agency, User
from safeshare.people.models import Involvement, Person


def relation_to_person(user: Any, person: Person) -> Relation:
    """Own agency if it works (or worked) with the person; recipient if a share about
    the person is open to the user; other agency otherwise; none without a membership."""
    agency = active_agency(user)
    if agency is None:
        return Relation.NONE
    if Involvement.objects.filter(agency=agency, person=person).exists():
        return Relation.OWN_AGENCY
    if received_shares(user, agency).filter(share__subject=person).exists():
        return Relation.RECIPIENT
    return Relation.OTHER_AGENCY


def can_person(user: User, agency: Agency, action: Action, person: Person) -> bool:
    allowed = PERSON_RULES[relation_to_person(user, person)].get(action, frozenset())
    return bool(user.roles & allowed)


def scope_people_worked_with(agency: Agency, queryset: QuerySet) -> QuerySet:
    own = Involvement.objects.filter(agency=agency, person=OuterRef("pk"))
    return queryset.filter(Exists(own))


def scope_people(user: User, agency: Agency, queryset: QuerySet) -> QuerySet:
    own = Involvement.objects.filter(agency=agency, person=OuterRef("pk"))
    received = received_shares(user, agency).filter(share__subject=OuterRef("pk"))
    return queryset.filter(Exists(own) | Exists(received))


register(Person, can=can_person, scope=scope_people)
