"""Fetch helpers: one call per record that fetches AND checks (`access/fetch/<app>.py`).

Each `get_<noun>_for(user, id, *, action)` answers the same NotFound whether the
record is missing, out of scope or its id malformed, and Forbidden (a 403) for a
visible record the action is refused on. Both refusals carry what was asked for,
for the `access.refused` entry (issue #11 item 2).
"""

import uuid
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django.db.models import Model, QuerySet

from safeshare.access.actions import Action
from safeshare.access.policy import require, visible
from safeshare.core.errors import AccessAttempt, NotFound

_M = TypeVar("_M", bound=Model)

# For an action whose object is a target standing for a record (`ReferralTarget`, ...):
# how to build the target from the record fetched.
Targets = Mapping[Action, Callable[[Any], object]]


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


def require_on(user: Any, action: Action, found: Model, targets: Targets | None = None) -> None:
    """Require the action on the record fetched, or on the target it stands in (Forbidden)."""
    build = (targets or {}).get(action)
    require(user, action, build(found) if build is not None else found)


def get_visible(
    user: Any,
    queryset: QuerySet[_M],
    key: uuid.UUID | str,
    noun: str,
    *,
    action: Action,
    targets: Targets | None = None,
) -> _M:
    """The record with this key among those the user may see, else NotFound — identical for
    a malformed key, a missing record and one out of scope — on which the user may take
    the action, else Forbidden. Every `get_*_for` uses it.
    """
    attempt = requested(action, queryset.model, key)
    if attempt.object_id is None:
        raise NotFound(noun, attempt=attempt)
    found = visible(user, queryset).filter(pk=attempt.object_id).first()
    if found is None:
        raise NotFound(noun, attempt=attempt)
    require_on(user, action, found, targets)
    return found
