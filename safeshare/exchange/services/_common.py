"""What the exchange services share: ledger appends, sealing, decision checks."""

import re
import uuid
from typing import Any

from django.db.models import Exists, OuterRef

from safeshare.agencies.models import Agency, User
from safeshare.core.errors import Errors, add_error, raise_if  # noqa: F401 (used by the services)
from safeshare.decisions.models import Decision
from safeshare.ledger.models import Entry
from safeshare.ledger.services import actor_ref_for, ledger_append
from safeshare.people.models import Person
from safeshare.people.sealing import seal_text

TEXT_MAX = 5000
CODE_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_.:\-]{0,79}$")


def clean_text(value: Any, *, field: str, label: str, errors: Errors, required: bool = True) -> str:
    """Free text, stripped: required unless told otherwise, at most TEXT_MAX characters."""
    text = (value or "").strip() if isinstance(value, str) or value is None else None
    if text is None:
        add_error(errors, field, f"Enter {label} as text.", "text_required")
        return ""
    if required and not text:
        add_error(errors, field, f"Enter {label}.", "required")
    elif len(text) > TEXT_MAX:
        add_error(
            errors,
            field,
            f"{label.capitalize()} must be {TEXT_MAX} characters or fewer.",
            "too_long",
        )
    return text


def clean_choice(value: Any, choices: type, *, field: str, label: str, errors: Errors) -> str:
    if value not in choices.values:
        add_error(errors, field, f"Choose {label} from the list.", "choice_unknown")
        return ""
    return str(value)


def actor_agency(actor: User, errors: Errors) -> Agency | None:
    agency = actor.agency if actor is not None else None
    if agency is None:
        add_error(errors, "actor", "Only a member of an agency can do this.", "no_agency")
    return agency


def check_subject(subject: Person | None, *, field: str, errors: Errors) -> None:
    if subject is None:
        add_error(errors, field, "Name the child.", "required")
    elif subject.is_shredded:
        add_error(errors, field, "This person's record has been erased.", "subject_erased")


def is_superseded(decision: Decision) -> bool:
    return Decision.objects.filter(supersedes=decision).exists()


def decision_state(decision: Decision) -> tuple[bool, set]:
    """Whether a later decision supersedes it, and the agencies it names, in one read."""
    later = Decision.objects.filter(supersedes=OuterRef("pk"))
    rows = (
        Decision.objects.filter(pk=decision.pk)
        .annotate(superseded=Exists(later))
        .values_list("superseded", "recipient_agencies")
    )
    superseded, named = False, set()
    for row_superseded, agency_id in rows:
        superseded = bool(row_superseded)
        if agency_id is not None:
            named.add(agency_id)
    return superseded, named


def check_decision(
    decision: Decision | None,
    *,
    agency: Agency | None,
    subject: Person | None,
    field: str,
    errors: Errors,
    outcome: str | None = None,
    superseded: bool | None = None,
) -> None:
    """A decision that may be acted on: the agency's own, about this child, still in force.

    Protocol App. 2 Q7: decisions are never edited, so only a decision that no
    later decision supersedes can be carried out.
    """
    if decision is None:
        add_error(errors, field, "Choose the decision this is based on.", "required")
        return
    if agency is None or decision.agency_id != agency.id:
        add_error(errors, field, "The decision must be one your agency made.", "decision_agency")
    elif subject is not None and decision.subject_id != subject.id:
        add_error(errors, field, "The decision must be about the same child.", "decision_subject")
    elif is_superseded(decision) if superseded is None else superseded:
        add_error(
            errors,
            field,
            "This decision has been corrected by a later one; use the later decision.",
            "decision_superseded",
        )
    elif outcome is not None and decision.outcome != outcome:
        add_error(errors, field, "The decision must be a decision to share.", "decision_not_share")


def seal(subject: Person, record_id: uuid.UUID, field: str, text: str) -> bytes:
    return seal_text(subject, record_id=record_id, field=field, text=text)


def append(
    *, kind: str, actor: User, agency: Agency, subject: Person | None, payload: dict
) -> Entry:
    """A ledger entry in the caller's transaction: ids and codes only, never case text."""
    return ledger_append(
        kind=kind,
        actor_ref=actor_ref_for(actor),
        agency_ref=str(agency.pk),
        subject_ref=subject.reference if subject is not None else None,
        payload=payload,
    )
