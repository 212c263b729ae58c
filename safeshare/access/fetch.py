"""Fetch helpers: the object, or the same not-found whether missing or forbidden."""

import uuid
from typing import Any

from django.db.models import Model, QuerySet

from safeshare.access.policy import visible
from safeshare.core.errors import NotFound
from safeshare.people.models import Person


def get_visible(user: Any, queryset: QuerySet, key: uuid.UUID | str, noun: str) -> Model:
    """The record with this key among those the user may see, else NotFound — identical for
    a malformed key, a missing record and one out of scope. Every `get_*_for` uses it."""
    try:
        pk = uuid.UUID(str(key))
    except ValueError as error:
        raise NotFound(noun) from error
    found = visible(user, queryset).filter(pk=pk).first()
    if found is None:
        raise NotFound(noun)
    return found


def get_person_for(user: Any, person_id: uuid.UUID | str) -> Person:
    """A person the user may see, else NotFound (identical for missing and out of scope)."""
    return get_visible(user, Person.objects.all(), person_id, "person")  # type: ignore[return-value]
