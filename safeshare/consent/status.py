"""Where a consent or refusal stands now, in words for a page (issue #5 item 3).

A record stops being in force when it is withdrawn, when the same person
decides again (the later record replaces it) or when it ends; a consent past
its review date stays on file but cannot be relied on until it is reviewed
with the family (Protocol App. 2 Q4). `consent.validity` decides what may be
relied on for a sharing; this module only names the state for people to read.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone

from safeshare.consent.models import Consent


@dataclass(frozen=True)
class Status:
    code: str  # in_force, withdrawn, replaced, expired, review_overdue, not_yet
    label: str
    colour: str  # a GOV.UK tag colour


def _day(value: datetime.date) -> str:
    return f"{value:%-d %B %Y}"


def consent_status(consent: Consent, *, at: datetime.datetime, replaced: bool) -> Status:
    """The state of one record at `at`; `replaced` when its giver decided again since."""
    today = timezone.localdate(at)
    withdrawal = getattr(consent, "withdrawal", None)
    if consent.given_at > at:
        return Status("not_yet", "Not yet in force", "grey")
    if withdrawal is not None and withdrawal.withdrawn_at <= at:
        when = _day(timezone.localdate(withdrawal.withdrawn_at))
        return Status("withdrawn", f"Withdrawn on {when}", "red")
    if replaced:
        return Status("replaced", "Replaced by a later decision of the same person", "grey")
    if consent.expires_on is not None and consent.expires_on < today:
        return Status("expired", f"Ended on {_day(consent.expires_on)}", "grey")
    if consent.review_on is not None and consent.review_on < today:
        return Status("review_overdue", f"Review overdue since {_day(consent.review_on)}", "orange")
    return Status("in_force", "In force", "green")


def statuses(records: Iterable[Consent], *, at: datetime.datetime) -> dict:
    """Each record's state, by id. `records` are all of one agency's records about one child
    (as `selectors.consents_for_child` gives them): a later record by the same person, given
    by `at`, replaces an earlier one."""
    records = list(records)
    latest: dict = {}
    for record in sorted(records, key=lambda r: (r.given_at, r.created_at), reverse=True):
        if record.given_at <= at:
            latest.setdefault(record.given_by_id, record.pk)
    return {
        record.pk: consent_status(
            record,
            at=at,
            replaced=record.given_at <= at and latest.get(record.given_by_id) != record.pk,
        )
        for record in records
    }
