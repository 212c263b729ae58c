"""What every decisions service shares: free-text and catalogue checks against the pack,
the acting agency, the ledger entry, and the refusal to write about an erased person."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from safeshare.agencies.models import Agency, User
from safeshare.core.cleaning import clean_text
from safeshare.core.errors import Errors, Forbidden, add_error
from safeshare.decisions.packs import Pack
from safeshare.ledger.services import actor_ref_for, ledger_append
from safeshare.people.models import Person

TEXT_MAX = 10_000
STATUTE_CODE_FOR_LEGAL_REQUIREMENT = "statutory_duty_or_court_order"


def _text(errors: Errors, field: str, value: Any, label: str, *, required: bool = True) -> str:
    return clean_text(
        value, field=field, label=label, errors=errors, required=required, max_length=TEXT_MAX
    )


def _catalogue_code(
    errors: Errors,
    field: str,
    pack: Pack,
    catalogue: str,
    code: Any,
    *,
    as_at: datetime.date,
    agency_type: str | None = None,
) -> str:
    """A code of the pack's catalogue, in force and open to the agency; errors name why not."""
    if not isinstance(code, str) or pack.item(catalogue, code) is None:
        add_error(errors, field, "Choose a code from the protocol pack's list.", "unknown_code")
        return ""
    item = pack.item(catalogue, code)
    assert item is not None
    if not pack.provision_in_force(item.provision, as_at):
        add_error(errors, field, f"{item.label} does not apply on this date.", "not_in_force")
        return ""
    if (
        item.refused_for_public_authorities
        and agency_type
        and pack.is_public_authority(agency_type)
    ):
        add_error(
            errors,
            field,
            f"{item.label} cannot be used by a public authority for its own tasks.",
            "refused_for_public_authority",
        )
        return ""
    return code


def _agency(actor: User) -> Agency:
    agency = actor.agency if actor is not None else None
    if agency is None:
        raise Forbidden("Only a member of an agency can do this.")
    return agency


def _ledger(
    kind: str, *, actor: User, agency: Agency | None, subject: Person | None, payload: dict
):
    return ledger_append(
        kind=kind,
        actor_ref=actor_ref_for(actor),
        agency_ref=str(agency.pk) if agency else None,
        subject_ref=subject.reference if subject else None,
        payload=payload,
    )


def _check_subject_not_erased(subject: Person | None, errors: Errors) -> None:
    """Nothing new may be written about a person whose record was erased (sealing needs
    their key, which is gone)."""
    if subject is not None and subject.is_shredded:
        add_error(errors, "subject", "This person's record has been erased.", "subject_erased")


@dataclass(frozen=True)
class Setting:
    """What every question is checked against: the pack in force, the deciding agency,
    who the decision is about, the day it is dated and whether it shares."""

    pack: Pack
    agency: Agency
    subject: Person | None
    anonymised: bool
    as_at: datetime.date
    sharing: bool
