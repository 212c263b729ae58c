"""What the exchange services share: ledger appends, sealing, decision checks."""

import re
import uuid

from safeshare.agencies.models import Agency, User
from safeshare.core.cleaning import TEXT_MAX, clean_choice, clean_text  # noqa: F401 (re-exported)
from safeshare.core.errors import Errors, add_error, raise_if  # noqa: F401 (used by the services)
from safeshare.core.sealed import seal_text
from safeshare.decisions.models import Decision
from safeshare.ledger.models import Entry
from safeshare.ledger.services import actor_ref_for, ledger_append
from safeshare.people.models import Person

CODE_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_.:\-]{0,79}$")


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
    return Decision.objects.correcting(decision).exists()


def decision_state(decision: Decision) -> tuple[bool, set]:
    """Whether a later decision supersedes it, and the agencies it names, in one read."""
    rows = (
        Decision.objects.filter(pk=decision.pk)
        .with_superseded_by()
        .values_list("superseded_by_pk", "recipient_agencies")
    )
    superseded, named = False, set()
    for superseded_by_pk, agency_id in rows:
        superseded = superseded_by_pk is not None
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
