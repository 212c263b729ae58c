"""What a consent or refusal is about, checked (App. 2 Q4)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from safeshare.agencies.models import Agency, AgencyType
from safeshare.consent.models import (
    ItemCategory,
    RecipientPurpose,
    SharingPurpose,
)
from safeshare.consent.services._common import (
    _codes,
)
from safeshare.core.errors import Errors, add_error


@dataclass(frozen=True)
class Scope:
    """What a consent or refusal is about (App. 2 Q4)."""

    categories: list[str]
    purposes: list[str]
    recipient_agencies: list[Agency]
    recipient_agency_types: list[str]
    recipient_purposes: list[str]


def _scope(
    errors: Errors,
    agency: Agency,
    *,
    given: bool,
    categories: Any,
    purposes: Any,
    recipient_agencies: Any,
    recipient_agency_types: Any,
    recipient_purposes: Any,
) -> Scope:
    categories = _codes(
        errors,
        "categories",
        categories,
        ItemCategory,
        "the categories of information",
        required=True,
    )
    purposes = _codes(errors, "purposes", purposes, SharingPurpose, "the purposes", required=True)
    types = _codes(
        errors,
        "recipient_agency_types",
        recipient_agency_types,
        AgencyType,
        "the kinds of agency",
        required=False,
    )
    agencies: list[Agency] = []
    for item in recipient_agencies or []:
        if not isinstance(item, Agency):
            add_error(
                errors, "recipient_agencies", "Choose agencies from the list.", "choice_unknown"
            )
            break
        if item.pk == agency.pk:
            add_error(
                errors,
                "recipient_agencies",
                "Your own agency is not a recipient.",
                "recipient_self",
            )
            break
        if item.pk not in {a.pk for a in agencies}:
            agencies.append(item)
    if not agencies and not types and "recipient_agencies" not in errors:
        add_error(
            errors,
            "recipient_agencies",
            "Choose the agencies, or kinds of agency, the information may go to."
            if given
            else "Choose the agencies, or kinds of agency, the refusal is about.",
            "required",
        )
    recipient_purposes = _codes(
        errors,
        "recipient_purposes",
        recipient_purposes,
        RecipientPurpose,
        "what the recipients may use it for",
        required=given,
    )
    return Scope(categories, purposes, agencies, types, recipient_purposes)
