"""Reads of agencies (configuration, not case content)."""

import uuid
from collections.abc import Iterable

from django.db.models import QuerySet

from safeshare.agencies.models import Agency, User


def agency_list() -> QuerySet[Agency]:
    return Agency.objects.order_by("name")


def staff_with_roles() -> QuerySet[User]:
    """Users with their membership, agency and role grants loaded (two queries), as each
    request and API token loads its user."""
    return User.objects.select_related("membership__agency").prefetch_related(
        "membership__role_grants"
    )


def agency_get(agency_id: uuid.UUID | str) -> Agency | None:
    """The agency with this id, None if there is none (a form or body names it)."""
    return Agency.objects.filter(pk=agency_id).first()


def agency_get_by_code(code: str) -> Agency | None:
    return Agency.objects.filter(code=code).first()


def agency_list_by_ids(ids: Iterable[uuid.UUID]) -> list[Agency]:
    """The agencies among these ids that exist (callers compare the count to say which not)."""
    return list(Agency.objects.filter(pk__in=ids))


def agency_list_except(agency: Agency) -> QuerySet[Agency]:
    """Every other agency, by name: who a share, request or decision may name."""
    return Agency.objects.exclude(pk=agency.pk).order_by("name")


def user_get(user_id: uuid.UUID | str) -> User | None:
    return User.objects.filter(pk=user_id).first()


def member_get(*, agency: Agency, user_id: uuid.UUID | str) -> User | None:
    """A member of the agency by id, None if there is no such member."""
    return User.objects.filter(pk=user_id, membership__agency=agency).first()


def colleagues_of(user: User) -> QuerySet[User]:
    """The active members of the user's agency but the user, with their role grants."""
    return (
        User.objects.filter(membership__agency=user.agency, membership__active=True, is_active=True)
        .exclude(pk=user.pk)
        .prefetch_related("membership__role_grants")
        .select_related("membership")
    )
