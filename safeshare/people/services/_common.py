"""What the people services share: the actor's reference, the agency check, the ledger entry."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied

from safeshare.ledger.services import actor_ref_for, ledger_append

from ..models import Person

if TYPE_CHECKING:
    from safeshare.agencies.models import Agency, User


def _actor_ref(actor: User | None, actor_ref: str | None) -> str:
    if actor is not None:
        return actor_ref_for(actor)
    if not actor_ref or not actor_ref.startswith("system:"):
        raise ValueError("Without a user, name the system actor as actor_ref='system:<command>'.")
    return actor_ref


def _check_actor_agency(actor: User | None, agency: Agency) -> None:
    """A member of staff acts for their own agency only (Protocol App. 1, agency duties)."""
    if actor is not None and (actor.agency is None or actor.agency.pk != agency.pk):
        raise PermissionDenied("You can only record this for your own agency.")


def _append(
    *, kind: str, actor_ref: str, agency: Agency | None, person: Person, payload: dict
) -> None:
    ledger_append(
        kind=kind,
        actor_ref=actor_ref,
        agency_ref=str(agency.pk) if agency is not None else None,
        subject_ref=person.reference,
        payload=payload,
    )
