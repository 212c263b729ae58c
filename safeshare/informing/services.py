"""Recording whether the child or family was told about a share (issue #4 item 8)."""

import datetime
import uuid

from django.db import transaction

from safeshare.agencies.models import Agency, User
from safeshare.core import clock, event_times
from safeshare.decisions.selectors import pack_in_force
from safeshare.exchange.models import Share, ShareOrigin
from safeshare.exchange.services._common import (
    Errors,
    actor_agency,
    add_error,
    append,
    check_subject,
    clean_choice,
    clean_text,
    raise_if,
    seal,
)
from safeshare.informing.models import (
    InformedMethod,
    NotInformedReason,
    SubjectNotification,
    SubjectNotificationOutcome,
)
from safeshare.ledger.kinds import EntryKind
from safeshare.people.models import Person
from safeshare.people.selectors import involvement_began_on, parental_responsibility_holders

TOLD_SUBJECT = "subject"
TOLD_PARENTAL_RESPONSIBILITY = "parental_responsibility"


def _not_applicable(errors: Errors, field: str, value: object, outcome_label: str) -> None:
    if value not in (None, ""):
        add_error(
            errors,
            field,
            f"Leave this empty when the child or family was {outcome_label}.",
            "not_applicable",
        )


def _clean_informed(
    *,
    share: Share,
    agency_id: object,
    informed_on: object,
    method: object,
    informed_by: User | None,
    told_person: Person | None,
    errors: Errors,
) -> str:
    """Check when, how, by whom and who was told; return who was told as a code."""
    if informed_on is None or informed_on == "":
        add_error(errors, "informed_on", "Enter the date they were told.", "required")
    elif isinstance(informed_on, datetime.datetime) or not isinstance(informed_on, datetime.date):
        add_error(errors, "informed_on", "Enter the date they were told as a date.", "invalid")
    clean_choice(method, InformedMethod, field="method", label="how they were told", errors=errors)
    if informed_by is None:
        add_error(errors, "informed_by_id", "Choose who told them.", "required")
    elif informed_by.agency is None or informed_by.agency.pk != agency_id:
        add_error(
            errors,
            "informed_by_id",
            "The person who told them must work for the agency that shared.",
            "informed_by_agency",
        )
    if told_person is None:
        add_error(errors, "told_person_id", "Choose who was told.", "required")
        return ""
    if told_person.pk == share.subject_id:
        return TOLD_SUBJECT
    on = informed_on if isinstance(informed_on, datetime.date) else None
    holders = parental_responsibility_holders(child=share.subject, on=on)
    if told_person.pk in {person.pk for person in holders}:
        return TOLD_PARENTAL_RESPONSIBILITY
    add_error(
        errors,
        "told_person_id",
        "Choose the child or a person with parental responsibility for them.",
        "told_person_not_subject_or_parent",
    )
    return ""


# Codes this record's API has always given for these rules.
_TOLD_ON_CODES = {"future": "date_in_future"}


def _check_told_on(
    *,
    share: Share,
    agency: Agency | None,
    informed: bool,
    informed_on: datetime.date | None,
    reason: object,
    explanation: object,
    errors: Errors,
) -> tuple[str, str]:
    """The day they were told, held to the pack's bound (`core.event_times`): not after
    today, at most the pack's limit back, not before the share was sent nor before the
    agency's involvement with the child; a day before today needs a reason from the
    pack's list. Returns the reason code and its explanation."""
    explanation = clean_text(
        explanation,
        field="backdating_explanation",
        label="why it is recorded later",
        errors=errors,
        required=False,
    )
    reason = "" if reason is None else reason if isinstance(reason, str) else "?"
    if not informed:
        _not_applicable(errors, "backdating_reason", reason, "not told")
        _not_applicable(errors, "backdating_explanation", explanation, "not told")
        return "", ""
    if informed_on is None:
        return reason, explanation
    began = involvement_began_on(agency=agency, person=share.subject) if agency else None
    bounds = [
        event_times.NotBefore(share.sent_at, "before_share", "the information was shared"),
        *event_times.after_involvement(began),
    ]
    checked = event_times.check(
        at=informed_on,
        recorded_at=clock.now(),
        rules=pack_in_force().recording,
        not_before=bounds,
        reason=reason,
        explanation_given=bool(explanation),
        label="telling them",
    )
    for problem in checked.problems:
        code = _TOLD_ON_CODES.get(problem.code, problem.code) if problem.part == "at" else None
        field = event_times.field_for(problem, at_field="informed_on")
        add_error(errors, field, problem.message, code or problem.code)
    return reason, explanation


@transaction.atomic
def subject_notification_record(
    *,
    actor: User,
    share: Share,
    outcome: str,
    informed_on: datetime.date | None = None,
    method: str = "",
    informed_by: User | None = None,
    told_person: Person | None = None,
    reason: str = "",
    reason_other: str = "",
    backdating_reason: str = "",
    backdating_explanation: str = "",
) -> SubjectNotification:
    """Record that the child or family was told of a share, or why they were not.

    Protocol App. 4 ("inform the person that the information has been shared if
    they were not aware of this and it would not create or increase risk of
    harm"), App. 2 Q5/Q6 and golden rule 2. Only the sending agency records it,
    for a share made from a decision. Informed: a date not in the future nor
    before the share, a method from the list, a member of the sending agency
    who told them, and the child or a person with parental responsibility
    (Children Act 1989 s3). Not informed: a reason from the list, explained
    when "other". A later record is a new row; nothing is edited. The day
    they were told is held to the pack's bound on back-dating (issue #11
    item 4): a day before today needs `backdating_reason`.
    """
    errors: Errors = {}
    now = clock.now()
    agency = actor_agency(actor, errors)
    if share is None:
        add_error(errors, "share", "Choose the share.", "required")
        raise_if(errors)
    if agency is not None and share.sender_agency_id != agency.pk:
        add_error(errors, "share", "Only the agency that shared records this.", "not_sender")
    elif share.origin != ShareOrigin.DECISION:
        add_error(
            errors,
            "share",
            "A request's identity share does not need the family to be told.",
            "share_not_from_decision",
        )
    check_subject(share.subject, field="share", errors=errors)
    outcome = clean_choice(
        outcome,
        SubjectNotificationOutcome,
        field="outcome",
        label="whether they were told",
        errors=errors,
    )
    told = ""
    other_text = ""
    if outcome == SubjectNotificationOutcome.INFORMED:
        informed_by = actor if informed_by is None else informed_by
        told = _clean_informed(
            share=share,
            agency_id=getattr(agency, "pk", None),
            informed_on=informed_on,
            method=method,
            informed_by=informed_by,
            told_person=told_person,
            errors=errors,
        )
        _not_applicable(errors, "reason", reason, "told")
        _not_applicable(errors, "reason_other", (reason_other or "").strip(), "told")
    elif outcome == SubjectNotificationOutcome.NOT_INFORMED:
        for name, value in (
            ("informed_on", informed_on),
            ("method", method),
            ("informed_by_id", informed_by),
            ("told_person_id", told_person),
        ):
            _not_applicable(errors, name, value, "not told")
        reason = clean_choice(
            reason, NotInformedReason, field="reason", label="why they were not told", errors=errors
        )
        other_text = clean_text(
            reason_other,
            field="reason_other",
            label="why they were not told",
            errors=errors,
            required=reason == NotInformedReason.OTHER,
        )
        if other_text and reason != NotInformedReason.OTHER:
            _not_applicable(errors, "reason_other", other_text, "not told for a listed reason")
    backdating_reason, explanation = _check_told_on(
        share=share,
        agency=agency,
        informed=outcome == SubjectNotificationOutcome.INFORMED,
        informed_on=informed_on if isinstance(informed_on, datetime.date) else None,
        reason=backdating_reason,
        explanation=backdating_explanation,
        errors=errors,
    )
    raise_if(errors)
    assert agency is not None

    notification_id = uuid.uuid4()
    informed = outcome == SubjectNotificationOutcome.INFORMED
    notification = SubjectNotification(
        id=notification_id,
        share=share,
        outcome=outcome,
        informed_on=informed_on if informed else None,
        method=method if informed else "",
        informed_by=informed_by if informed else None,
        told_person=told_person if informed else None,
        reason="" if informed else reason,
        reason_other_enc=(
            seal(share.subject, notification_id, "reason_other", other_text) if other_text else None
        ),
        backdating_reason=backdating_reason,
        backdating_explanation_enc=(
            seal(share.subject, notification_id, "backdating_explanation", explanation)
            if explanation
            else None
        ),
        recorded_by=actor,
        recorded_at=now,
    )
    notification.full_clean()
    notification.save(force_insert=True)
    payload: dict = {"share": str(share.pk), "subject_notification": str(notification.pk)}
    if informed:
        assert informed_by is not None and told_person is not None and informed_on is not None
        payload |= {
            "informed_on": informed_on.isoformat(),
            "recorded_at": now.isoformat(),
            "backdating_reason": backdating_reason,
            "method": method,
            "informed_by": f"user:{informed_by.pk}",
            "told": told,
            "told_person": told_person.reference,
        }
    else:
        payload |= {"reason": reason}
    append(
        kind=EntryKind.SUBJECT_INFORMED if informed else EntryKind.SUBJECT_NOT_INFORMED,
        actor=actor,
        agency=agency,
        subject=share.subject,
        payload=payload,
    )
    return notification
