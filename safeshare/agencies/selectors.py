"""Reads of agencies (configuration, not case content)."""

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
