"""The one access policy: `can(user, action, obj)` and `visible(user, queryset)`.

Every view, API operation, export, search and statistic asks here. A record
outside the user's scope must answer exactly like a missing one (see fetch.py);
a forbidden action on a visible record is a 403.

The rules for each kind of record live in `access/rules/<app>.py`, each
registering an object rule (for `can`) and a scope rule (for `visible`) with
`register`; this module holds what every rule shares.
"""

import dataclasses
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from django.db.models import Model, Q, QuerySet

from safeshare.access.actions import Action, Relation
from safeshare.access.rules.roles import CASE_ROLES, GLOBAL_RULES
from safeshare.agencies.models import Agency, User
from safeshare.core import clock
from safeshare.core.errors import AccessAttempt, Forbidden
from safeshare.exchange.models import ShareRecipient

_M = TypeVar("_M", bound=Model)

ObjectRule = Callable[[User, Agency, Action, Any], bool]
ScopeRule = Callable[[User, Agency, QuerySet[Any]], QuerySet[Any]]

# Keyed by the kind of record: a model, or a target class that stands for one.
_OBJECT_RULES: dict[type, ObjectRule] = {}
_SCOPE_RULES: dict[type, ScopeRule] = {}


def register(model: type, *, can: ObjectRule, scope: ScopeRule) -> None:
    """Register the rules for one kind of record (called by access/rules/<app>.py)."""
    _OBJECT_RULES[model] = can
    _SCOPE_RULES[model] = scope


def active_agency(user: Any) -> Agency | None:
    """The agency the user acts for now, or None (anonymous, inactive, no membership)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    agency: Agency | None = user.agency
    return agency


def received_shares(user: User, agency: Agency) -> QuerySet[ShareRecipient]:
    """Share recipients open to this user now: their agency, named to them or to nobody,
    inside the access window and not revoked (Protocol App. 2 Q6: need to know)."""
    return ShareRecipient.objects.filter(
        Q(named_user__isnull=True) | Q(named_user=user),
        agency=agency,
        share__revoked_at__isnull=True,
        share__access_until__gt=clock.now(),
    )


def can(user: Any, action: Action, obj: Any = None) -> bool:
    """Whether the user may take the action on the object (None for global actions)."""
    agency = active_agency(user)
    if agency is None:
        return False
    if action in GLOBAL_RULES:
        return bool(user.roles & GLOBAL_RULES[action])
    rule = _OBJECT_RULES.get(type(obj))
    return bool(rule and rule(user, agency, action, obj))


def require(user: Any, action: Action, obj: Any = None) -> None:
    """`can`, or Forbidden (a 403) for adapters whose record is already known visible.

    The Forbidden names the action and the record, so the refusal is recorded
    (issue #11 item 2); the client sees neither.
    """
    if not can(user, action, obj):
        raise Forbidden(attempt=attempt_on(action, obj))


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
    rule = _SCOPE_RULES.get(queryset.model)
    if rule is None:
        raise TypeError(f"access.visible has no rule for {queryset.model.__name__}")
    if agency is None or not user.roles & CASE_ROLES:
        return queryset.none()
    return rule(user, agency, queryset)


def visible_people_worked_with(user: Any, queryset: QuerySet[_M]) -> QuerySet[_M]:
    """`visible` for a list of the agency's own people (caseload, not told): people the
    user's agency works or worked with, a subset of what `visible` allows.

    `visible` also admits people in shares received; a list of the agency's own
    people never needs them, and on PostgreSQL asking for them costs a scan of
    every open share in the partnership (docs/performance.md).
    """
    from safeshare.access.rules.people import scope_people_worked_with

    agency = active_agency(user)
    if agency is None or not user.roles & CASE_ROLES:
        return queryset.none()
    return scope_people_worked_with(agency, queryset)


def identity_fields_shown(user: Any, people: Any) -> dict[uuid.UUID, frozenset[str]]:
    """For each person (by id), the identity fields (IdentityField values) the user may see:
    all for an agency working with them, only those its open shares carry for a recipient."""
    from safeshare.access.rules.people import identity_fields_shown as shown

    return shown(user, people)


def visible_people_findable_by(
    user: Any, queryset: QuerySet[_M], fields: frozenset[str]
) -> QuerySet[_M]:
    """`visible` for a search by identity fields: a person seen only through shares
    received is found only if those shares carry every field searched by."""
    from safeshare.access.rules.people import scope_people_findable_by

    agency = active_agency(user)
    if agency is None or not user.roles & CASE_ROLES:
        return queryset.none()
    return scope_people_findable_by(user, agency, queryset, fields)


def person_relation(user: Any, person: Any) -> Relation:
    """The user's relation to a person's record (own agency, recipient, other, none)."""
    from safeshare.access.rules.people import relation_to_person

    return relation_to_person(user, person)


# Each rules module registers itself on import; list every one here.
from safeshare.access.rules import agencies as _agencies  # noqa: E402, F401
from safeshare.access.rules import consent as _consent  # noqa: E402, F401
from safeshare.access.rules import decisions as _decisions  # noqa: E402, F401
from safeshare.access.rules import exchange as _exchange  # noqa: E402, F401
from safeshare.access.rules import informing as _informing  # noqa: E402, F401
from safeshare.access.rules import people as _people  # noqa: E402, F401
