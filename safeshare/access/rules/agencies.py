"""Rules for agencies as objects: creating a person on behalf of one's own agency."""

from typing import Any

from django.db.models import QuerySet

from safeshare.access.actions import Action
from safeshare.access.rules.roles import PERSON_CREATE_ROLES
from safeshare.agencies.models import Agency, User


def can_agency(user: User, agency: Agency, action: Action, obj: Agency) -> bool:
    if action == Action.PERSON_CREATE:
        return obj == agency and bool(user.roles & PERSON_CREATE_ROLES)
    return False


def scope_agencies(user: User, agency: Agency, queryset: QuerySet[Any]) -> QuerySet[Any]:
    # Agencies are configuration, not case content; listing them is AGENCY_VIEW.
    return queryset
