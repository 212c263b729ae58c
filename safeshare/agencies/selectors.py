"""Reads of agencies (configuration, not case content)."""

from django.db.models import QuerySet

from safeshare.agencies.models import Agency


def agency_list() -> QuerySet[Agency]:
    return Agency.objects.order_by("name")
