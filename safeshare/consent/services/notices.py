"""Recording the notice at first contact (Protocol 6.2)."""

from __future__ import annotations

import datetime

from django.db import transaction

from safeshare.access.actions import Action
from safeshare.access.policy import require
from safeshare.access.rules.consent import NoticeTarget
from safeshare.agencies.models import User
from safeshare.consent.models import (
    NoticeMethod,
    PrivacyNotice,
)
from safeshare.consent.services._common import (
    _agency,
    _ledger,
    _related_people,
)
from safeshare.core import clock
from safeshare.core.cleaning import clean_choice
from safeshare.core.errors import Errors, add_error, raise_if
from safeshare.core.validation import validate_new
from safeshare.ledger.kinds import EntryKind
from safeshare.people.models import Person


@transaction.atomic
def notice_record(
    *,
    actor: User,
    person: Person,
    told_on: datetime.date,
    method: str,
    told_to: Person | None = None,
) -> PrivacyNotice:
    """Record that the person (or, for them, a parent or carer) was told how the agency
    shares information and on what basis (Protocol 6.2)."""
    require(
        actor,
        Action.NOTICE_RECORD,
        NoticeTarget(person=person),
        "You cannot record a notice for this person.",
    )
    agency = _agency(actor)
    errors: Errors = {}
    if person.is_shredded:
        add_error(errors, "person_id", "This person's record has been erased.", "subject_erased")
    if told_on is None or told_on == "":
        add_error(errors, "told_on", "Enter the date they were told.", "required")
    elif isinstance(told_on, datetime.datetime) or not isinstance(told_on, datetime.date):
        add_error(errors, "told_on", "Enter the date they were told as a date.", "invalid")
    elif told_on > clock.today():
        add_error(errors, "told_on", "The date must be today or in the past.", "future")
    method = clean_choice(
        method, NoticeMethod, field="method", label="how they were told", errors=errors
    )
    if told_to is not None:
        if not isinstance(told_to, Person) or told_to.pk == person.pk:
            told_to = None
        elif told_to.pk not in {p.pk for p in _related_people(person)}:
            add_error(
                errors,
                "told_to_id",
                "Choose someone recorded as related to the person.",
                "not_related",
            )
    raise_if(errors)
    notice = PrivacyNotice(
        person=person,
        agency=agency,
        told_on=told_on,
        method=method,
        told_to=told_to,
        recorded_by=actor,
        recorded_at=clock.now(),
    )
    validate_new(notice)
    notice.save(force_insert=True)
    _ledger(
        EntryKind.NOTICE_RECORDED,
        actor=actor,
        agency=agency,
        child=person,
        payload={
            "notice": str(notice.pk),
            "told_on": told_on.isoformat(),
            "method": method,
            "told_to": told_to.reference if told_to else None,
        },
    )
    return notice
