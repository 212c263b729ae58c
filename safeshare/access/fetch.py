"""Fetch helpers: the object, or the same not-found whether missing or forbidden."""

import uuid
from typing import Any

from safeshare.access.policy import visible
from safeshare.core.errors import NotFound
from safeshare.people.models import Person


def get_person_for(user: Any, person_id: uuid.UUID | str) -> Person:
    """A person the user may see, else NotFound (identical for missing and out of scope)."""
    try:
        key = uuid.UUID(str(person_id))
    except ValueError as error:
        raise NotFound("person") from error
    person = visible(user, Person.objects.all()).filter(pk=key).first()
    if person is None:
        raise NotFound("person")
    return person
