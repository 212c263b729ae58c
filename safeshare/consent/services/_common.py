"""Checks the consent services share (each adds a field error naming its rule), sealing
and the ledger entry."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from safeshare.agencies.models import Agency, User
from safeshare.core import clock
from safeshare.core.errors import TIMEZONE_MESSAGE, Errors, Forbidden, add_error
from safeshare.ledger.services import actor_ref_for, ledger_append
from safeshare.people.models import Person, PersonKind
from safeshare.people.selectors import relationships_for_person


def _codes(
    errors: Errors, field: str, values: Any, choices: type, label: str, *, required: bool
) -> list[str]:
    """A list of codes from a closed list: each known, each once, in the list's order."""
    if values is None:
        values = []
    if isinstance(values, str) or not isinstance(values, Iterable):
        add_error(errors, field, f"Choose {label} from the list.", "choice_unknown")
        return []
    values = list(values)
    unknown = [v for v in values if v not in choices.values]
    if unknown:
        add_error(errors, field, f"Choose {label} from the list.", "choice_unknown")
        return []
    if required and not values:
        add_error(errors, field, f"Choose {label}.", "required")
    return [code for code in choices.values if code in values]


def _moment(
    errors: Errors, field: str, value: Any, label: str, *, now: datetime.datetime
) -> datetime.datetime | None:
    if value is None or value == "":
        add_error(errors, field, f"Enter {label}.", "required")
    elif not isinstance(value, datetime.datetime):
        add_error(errors, field, f"Enter {label} as a date and time.", "invalid")
    elif not clock.is_aware(value):
        add_error(errors, field, TIMEZONE_MESSAGE, "timezone_required")
    elif value > now:
        add_error(errors, field, f"{label.capitalize()} cannot be in the future.", "future")
    else:
        return value
    return None


def _date(errors: Errors, field: str, value: Any, label: str) -> datetime.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime) or not isinstance(value, datetime.date):
        add_error(errors, field, f"Enter {label} as a date.", "invalid")
        return None
    return value


def _agency(actor: User) -> Agency:
    agency = actor.agency
    if agency is None:
        raise Forbidden("Only a member of an agency can do this.")
    return agency


def _child(errors: Errors, field: str, child: Any) -> Person | None:
    if not isinstance(child, Person):
        add_error(errors, field, "Choose the child.", "required")
        return None
    if child.kind != PersonKind.CHILD:
        add_error(errors, field, "Consent here is about a child's information.", "not_a_child")
    elif child.is_shredded:
        add_error(errors, field, "This person's record has been erased.", "subject_erased")
    return child


def _ledger(kind: str, *, actor: User, agency: Agency, child: Person, payload: dict) -> None:
    ledger_append(
        kind=kind,
        actor_ref=actor_ref_for(actor),
        agency_ref=str(agency.pk),
        subject_ref=child.reference,
        payload=payload,
    )


def _related_people(child: Person) -> list[Person]:
    people = []
    for r in relationships_for_person(person=child, include_ended=True):
        people.append(r.related_person if r.person_id == child.pk else r.person)
    return people
