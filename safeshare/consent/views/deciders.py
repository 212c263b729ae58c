"""The child a consent page is about and who may decide for them (App. 2 Q4)."""

from django.http import HttpRequest

from safeshare.access.actions import Action
from safeshare.access.fetch.people import get_person_for
from safeshare.access.policy import require
from safeshare.access.rules.consent import ConsentTarget
from safeshare.core import clock
from safeshare.core.errors import NotFound
from safeshare.people.models import Person, PersonKind
from safeshare.people.selectors import (
    parental_responsibility_holders,
    people_visible_among,
    person_identities,
)


def child_for(request: HttpRequest, person_id: str, action: Action) -> Person:
    """The child the page is about: not found unless visible and a child; 403 unless the
    user may record about them."""
    child = get_person_for(request.user, person_id, action=Action.PERSON_VIEW)
    if child.kind != PersonKind.CHILD:
        raise NotFound("child")
    require(request.user, action, ConsentTarget(child=child))
    return child


def deciders(request: HttpRequest, child: Person) -> list[Person]:
    """The child and the people with parental responsibility the user may see (App. 2 Q4)."""
    holders = parental_responsibility_holders(child=child)
    return [child, *people_visible_among(request.user, holders)]


def decider_choices(child: Person, people: list[Person]) -> list[tuple[str, str]]:
    names = person_identities(people)
    age = names[child.pk].age_on(clock.today())
    choices = []
    for person in people:
        name = names[person.pk].display_name
        if person.pk == child.pk:
            label = f"{name} (the child, aged {age})" if age is not None else f"{name} (the child)"
        else:
            label = f"{name} (has parental responsibility)"
        choices.append((str(person.pk), label))
    return choices
