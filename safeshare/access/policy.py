"""The one access policy: `can(user, action, obj)` and `visible(user, queryset)`.

Every view, API operation, export, search and statistic asks here. A record
outside the user's scope must answer exactly like a missing one (see fetch.py);
a forbidden action on a visible record is a 403.
"""

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from safeshare.access.actions import Action, Relation
from safeshare.access.rules.roles import (
    CASE_ROLES,
    GLOBAL_RULES,
    PERSON_CREATE_ROLES,
    PERSON_RULES,
)
from safeshare.agencies.models import Agency, User
from safeshare.core import clock
from safeshare.exchange.models import Share, ShareRecipient
from safeshare.people.models import Involvement, Person


def _active_agency(user: Any) -> Agency | None:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    return user.agency


def _received_shares(user: User, agency: Agency) -> QuerySet[ShareRecipient]:
    """Share recipients open to this user now: their agency, named to them or to nobody."""
    return ShareRecipient.objects.filter(
        Q(named_user__isnull=True) | Q(named_user=user),
        agency=agency,
        share__revoked_at__isnull=True,
        share__access_until__gt=clock.now(),
    )


def person_relation(user: User, person: Person) -> Relation:
    """The user's relation to a person's record (own agency, recipient, other, none)."""
    agency = _active_agency(user)
    if agency is None:
        return Relation.NONE
    if Involvement.objects.filter(agency=agency, person=person).exists():
        return Relation.OWN_AGENCY
    if _received_shares(user, agency).filter(share__subject=person).exists():
        return Relation.RECIPIENT
    return Relation.OTHER_AGENCY


def can(user: Any, action: Action, obj: Any = None) -> bool:
    """Whether the user may take the action on the object (None for global actions)."""
    agency = _active_agency(user)
    if agency is None:
        return False
    roles = user.roles
    if action in GLOBAL_RULES:
        return bool(roles & GLOBAL_RULES[action])
    if action == Action.PERSON_CREATE:
        return isinstance(obj, Agency) and obj == agency and bool(roles & PERSON_CREATE_ROLES)
    if isinstance(obj, Person):
        allowed = PERSON_RULES[person_relation(user, obj)].get(action, frozenset())
        return bool(roles & allowed)
    if isinstance(obj, Share) and action == Action.SHARE_VIEW:
        return _can_view_share(user, agency, obj)
    return False


def _can_view_share(user: User, agency: Agency, share: Share) -> bool:
    if not user.roles & CASE_ROLES:
        return False
    if share.sender_agency_id == agency.id:
        return True
    return _received_shares(user, agency).filter(share=share).exists()


def visible(user: Any, queryset: QuerySet) -> QuerySet:
    """Scope a queryset of case records to what the user may see at all."""
    agency = _active_agency(user)
    model = queryset.model
    if agency is None or not user.roles & CASE_ROLES:
        return queryset.none()
    if model is Person:
        own = Involvement.objects.filter(agency=agency, person=OuterRef("pk"))
        received = _received_shares(user, agency).filter(share__subject=OuterRef("pk"))
        return queryset.filter(Exists(own) | Exists(received))
    if model is Share:
        received = _received_shares(user, agency).filter(share=OuterRef("pk"))
        return queryset.filter(Q(sender_agency=agency) | Exists(received))
    raise TypeError(f"access.visible has no rule for {model.__name__}")
