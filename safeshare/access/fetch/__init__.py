"""Fetch helpers: the object, or the same not-found whether missing or forbidden."""

import uuid
from typing import Any, TypeVar

from django.db.models import Model, QuerySet

from safeshare.access.actions import Action
from safeshare.access.policy import require, visible
from safeshare.core.errors import AccessAttempt, NotFound
from safeshare.people.models import Person

_M = TypeVar("_M", bound=Model)


def requested(action: Action | None, model: type[Model], key: uuid.UUID | str) -> AccessAttempt:
    """What was asked for, by model label and the id as requested: a malformed id is
    recorded as malformed, never as the text sent (it could carry anything)."""
    name = str(action) if action is not None else None
    kind = model._meta.label_lower
    try:
        object_id = str(uuid.UUID(str(key)))
    except ValueError:
        return AccessAttempt(action=name, object_kind=kind, object_id_malformed=True)
    return AccessAttempt(action=name, object_kind=kind, object_id=object_id)


def get_visible(
    user: Any,
    queryset: QuerySet[_M],
    key: uuid.UUID | str,
    noun: str,
    *,
    action: Action | None = None,
) -> _M:
    """The record with this key among those the user may see, else NotFound — identical for
    a malformed key, a missing record and one out of scope. Every `get_*_for` uses it.

    With `action`, the action is also required on the record (Forbidden, a 403, once
    it is visible), so an adapter makes one call that fetches and checks. Either
    refusal carries what was asked for, for the `access.refused` entry.
    """
    attempt = requested(action, queryset.model, key)
    if attempt.object_id is None:
        raise NotFound(noun, attempt=attempt)
    found = visible(user, queryset).filter(pk=attempt.object_id).first()
    if found is None:
        raise NotFound(noun, attempt=attempt)
    if action is not None:
        require(user, action, found)
    return found


def get_person_for(
    user: Any, person_id: uuid.UUID | str, *, action: Action | None = None
) -> Person:
    """A person the user may see, else NotFound (identical for missing and out of scope);
    with `action`, one the user may also take that action on, else Forbidden."""
    return get_visible(user, Person.objects.all(), person_id, "person", action=action)
