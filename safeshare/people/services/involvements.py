"""Writes to involvements: an agency starting and stopping work with a person, which
brings them into and out of its scope."""

from __future__ import annotations

import datetime
import uuid
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction

from safeshare.core import clock
from safeshare.ledger.kinds import EntryKind

from ..models import Involvement, Person
from ._common import _actor_ref, _append, _check_actor_agency

if TYPE_CHECKING:
    from safeshare.agencies.models import Agency, User


def _clean_start(value: datetime.date | None, *, field: str, errors: dict) -> datetime.date:
    today = clock.today()
    if value is None:
        return today
    if value > today:
        errors[field] = ["The start date must be today or in the past."]
    return value


def _clean_reason(value: str, *, field: str, errors: dict) -> None:
    if len((value or "").strip()) > 200:
        errors[field] = ["The service or reason must be 200 characters or fewer."]


def _involvement_open(
    *, actor_ref: str, agency: Agency, person: Person, started_on: datetime.date, reason: str
) -> Involvement:
    involvement = Involvement(id=uuid.uuid4(), agency=agency, person=person, started_on=started_on)
    involvement.reason = reason
    involvement.full_clean()
    involvement.save()
    _append(
        kind=EntryKind.INVOLVEMENT_STARTED,
        actor_ref=actor_ref,
        agency=agency,
        person=person,
        # The reason is free text, so it stays out of the ledger.
        payload={"involvement": str(involvement.pk), "started_on": started_on.isoformat()},
    )
    return involvement


@transaction.atomic
def involvement_start(
    *,
    actor: User | None,
    agency: Agency,
    person: Person,
    started_on: datetime.date | None = None,
    reason: str = "",
    actor_ref: str | None = None,
) -> Involvement:
    """Record that an agency starts working with a person, bringing them into its scope.

    One open involvement per agency and person; a person whose record is
    erased cannot gain new involvements (DESIGN "Access": scope follows
    involvement).
    """
    ref = _actor_ref(actor, actor_ref)
    _check_actor_agency(actor, agency)
    errors: dict[str, list[str]] = {}
    if person.is_shredded:
        errors["person"] = ["This person's record has been erased."]
    start = _clean_start(started_on, field="started_on", errors=errors)
    _clean_reason(reason, field="reason", errors=errors)
    if (
        "person" not in errors
        and Involvement.objects.for_agency(agency).open().filter(person=person).exists()
    ):
        errors["agency"] = ["This agency is already working with this person."]
    if errors:
        raise ValidationError(errors)
    return _involvement_open(
        actor_ref=ref, agency=agency, person=person, started_on=start, reason=reason.strip()
    )


@transaction.atomic
def involvement_end(
    *,
    actor: User | None,
    involvement: Involvement,
    ended_on: datetime.date | None = None,
    actor_ref: str | None = None,
) -> Involvement:
    """Record that an agency has stopped working with a person; its scope ends with it."""
    ref = _actor_ref(actor, actor_ref)
    _check_actor_agency(actor, involvement.agency)
    locked = Involvement.objects.select_for_update().get(pk=involvement.pk)
    today = clock.today()
    end = today if ended_on is None else ended_on
    errors: dict[str, list[str]] = {}
    if locked.ended_on is not None:
        errors["ended_on"] = ["This involvement has already ended."]
    elif end > today:
        errors["ended_on"] = ["The end date must be today or in the past."]
    elif end < locked.started_on:
        errors["ended_on"] = ["The end date must be on or after the start date."]
    if errors:
        raise ValidationError(errors)
    locked.ended_on = end
    locked.full_clean()
    locked.save(update_fields=["ended_on", "updated_at"])
    _append(
        kind=EntryKind.INVOLVEMENT_ENDED,
        actor_ref=ref,
        agency=locked.agency,
        person=locked.person,
        payload={"involvement": str(locked.pk), "ended_on": end.isoformat()},
    )
    involvement.ended_on, involvement.updated_at = locked.ended_on, locked.updated_at
    return involvement
