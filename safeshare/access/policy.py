"""The one access policy: `can(user, action, obj)` and `visible(user, queryset)`.

Every view, API operation, export, search and statistic asks here. A record
outside the user's scope must answer exactly like a missing one (see fetch.py);
a forbidden action on a visible record is a 403.

The rules for each kind of record live in `access/rules/<app>.py`, and
`access/rules/__init__.py` lists them once (model -> object rule for `can`, scope
rule for `visible`); this module holds what every rule shares and imports no
domain code of its own.
"""

import dataclasses
import uuid
from typing import TYPE_CHECKING, Any, TypeVar

from django.db.models import Model, QuerySet

from safeshare.access import rules
from safeshare.access.actions import Action, Relation
from safeshare.access.rules import people as people_rules
from safeshare.access.rules.roles import CASE_ROLES, GLOBAL_RULES
from safeshare.core.errors import AccessAttempt, Forbidden

if TYPE_CHECKING:
    from safeshare.agencies.models import Agency

_M = TypeVar("_M", bound=Model)


def active_agency(user: Any) -> "Agency | None":
    """The agency the user acts for now, or None (anonymous, inactive, no membership)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    agency: Agency | None = user.agency
    return agency


def can(user: Any, action: Action, obj: Any = None) -> bool:
    """Whether the user may take the action on the object (None for global actions)."""
    agency = active_agency(user)
    if agency is None:
        return False
    if action in GLOBAL_RULES:
        return bool(user.roles & GLOBAL_RULES[action])
    found = rules.RULES.get(type(obj))
    return bool(found and found[0](user, agency, action, obj))


def require(user: Any, action: Action, obj: Any = None, message: str | None = None) -> None:
    """`can`, or Forbidden (a 403): for a record already known visible, and for a
    service checking again what its adapter checked (a command or the demo calls
    services directly).

    The Forbidden names the action and the record, so the refusal is recorded
    (issue #11 item 2); the client sees neither. `message` says why, for a caller
    reading the error (a service's own words); it is never shown to the client.
    """
    if not can(user, action, obj):
        args = (message,) if message is not None else ()
        raise Forbidden(*args, attempt=attempt_on(action, obj))


def attempt_on(action: Action | None, obj: Any) -> AccessAttempt:
    """The action and the record it was asked on, by model label and id only.

    A target (`DecisionTarget`, `ShareSource`, ...) stands for the record it
    holds; a global action (no object) names no record.
    """
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        held = [getattr(obj, field.name) for field in dataclasses.fields(obj)]
        obj = next((value for value in held if isinstance(value, Model)), None)
    name = str(action) if action is not None else None
    if not isinstance(obj, Model) or obj.pk is None:
        return AccessAttempt(action=name)
    return AccessAttempt(action=name, object_kind=obj._meta.label_lower, object_id=str(obj.pk))


def visible(user: Any, queryset: QuerySet[_M]) -> QuerySet[_M]:
    """Scope a queryset of case records to what the user may see at all."""
    agency = active_agency(user)
    found = rules.RULES.get(queryset.model)
    if found is None:
        raise TypeError(f"access.visible has no rule for {queryset.model.__name__}")
    if agency is None or not user.roles & CASE_ROLES:
        return queryset.none()
    return found[1](user, agency, queryset)


def visible_people_worked_with(user: Any, queryset: QuerySet[_M]) -> QuerySet[_M]:
    """`visible` for a list of the agency's own people (caseload, not told): people the
    user's agency works or worked with, a subset of what `visible` allows.

    `visible` also admits people in shares received; a list of the agency's own
    people never needs them, and on PostgreSQL asking for them costs a scan of
    every open share in the partnership (docs/performance.md).
    """
    agency = active_agency(user)
    if agency is None or not user.roles & CASE_ROLES:
        return queryset.none()
    return people_rules.scope_people_worked_with(agency, queryset)


def identity_fields_shown(user: Any, people: Any) -> dict[uuid.UUID, frozenset[str]]:
    """For each person (by id), the identity fields (IdentityField values) the user may see:
    all for an agency working with them, only those its open shares carry for a recipient."""
    return people_rules.identity_fields_shown(user, active_agency(user), people)


def visible_people_findable_by(
    user: Any, queryset: QuerySet[_M], fields: frozenset[str]
) -> QuerySet[_M]:
    """`visible` for a search by identity fields: a person seen only through shares
    received is found only if those shares carry every field searched by."""
    agency = active_agency(user)
    if agency is None or not user.roles & CASE_ROLES:
        return queryset.none()
    return people_rules.scope_people_findable_by(user, agency, queryset, fields)


def person_relation(user: Any, person: Any) -> Relation:
    """The user's relation to a person's record (own agency, recipient, other, none)."""
    return people_rules.relation_to_person(user, active_agency(user), person)
