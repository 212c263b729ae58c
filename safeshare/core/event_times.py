"""When a client says something happened: the one rule for event times it supplies.

A decision's `decided_at` and the day a child or family was told of a share
are claims by the client about the past. The server records them beside its
own time of recording and holds them to one rule (issue #11 item 4), set by
the protocol pack in force (`recording:` in `decisions/packs/*.yaml`):

- not in the future: a time may be ahead of the server's clock by at most
  `FUTURE_TOLERANCE` (two minutes of clock skew); a date may be today at most;
- not older than the pack's limit: its day (in the partnership's time zone,
  Europe/London) is at most `limit_days` calendar days before the day of
  recording, so a change of the clocks never moves the bound by an hour;
- never before what it follows (`NotBefore`): the agency's involvement with
  the person, the request it answers, the share it tells about;
- earlier than the moment of recording by more than the pack's
  `reason_after` (a date: any day before today), it needs a reason from the
  pack's closed list, explained in free text when that reason says so.

A pure function of its inputs, like `decisions.aid`: services call `check`
and turn each problem into an error on the field the problem names.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from safeshare.core import clock
from safeshare.core.errors import TIMEZONE_MESSAGE

# How far ahead of the server's clock a client's time may be (their clock runs fast).
FUTURE_TOLERANCE = datetime.timedelta(minutes=2)

# The parts of a claim a problem is about; `field_for` names the field each one is in.
AT = "at"
REASON = "reason"
EXPLANATION = "explanation"
# Every record that takes a client's event time names the reason fields alike.
REASON_FIELD = "backdating_reason"
EXPLANATION_FIELD = "backdating_explanation"

Moment = datetime.datetime | datetime.date


@dataclass(frozen=True)
class BackdatingReason:
    """Why an event is recorded after it happened (one entry of the pack's closed list)."""

    code: str
    label: str
    explanation_required: bool = False


@dataclass(frozen=True)
class Backdating:
    """The pack's bound on event times a client supplies."""

    limit_days: int
    reason_after: datetime.timedelta
    reasons: tuple[BackdatingReason, ...]

    def reason(self, code: str) -> BackdatingReason | None:
        return next((r for r in self.reasons if r.code == code), None)


@dataclass(frozen=True)
class NotBefore:
    """A moment the event cannot precede, with the rule's code and what it is, in words
    without personal data ("your agency's involvement with the child began")."""

    at: Moment
    code: str
    what: str


@dataclass(frozen=True)
class Problem:
    part: str  # AT, REASON or EXPLANATION
    code: str
    message: str


@dataclass(frozen=True)
class Checked:
    problems: tuple[Problem, ...]
    backdated: bool  # earlier than the recording by more than the pack allows without a reason


def _day(moment: Moment) -> datetime.date:
    return clock.local_date(moment) if isinstance(moment, datetime.datetime) else moment


def _precedes(at: Moment, bound: Moment) -> bool:
    if isinstance(at, datetime.datetime) and isinstance(bound, datetime.datetime):
        return at < bound
    return _day(at) < _day(bound)


def earliest_day(*, recorded_at: datetime.datetime, rules: Backdating) -> datetime.date:
    """The first day an event recorded at `recorded_at` may be dated."""
    return clock.local_date(recorded_at) - datetime.timedelta(days=rules.limit_days)


def field_for(problem: Problem, *, at_field: str) -> str:
    """The field a problem is about: the record's own time field, or a reason field."""
    return {AT: at_field, REASON: REASON_FIELD, EXPLANATION: EXPLANATION_FIELD}[problem.part]


def after_involvement(began: datetime.date | None) -> list[NotBefore]:
    """The bound set by the day the agency's involvement with the child began, if any."""
    if began is None:
        return []
    return [
        NotBefore(began, "before_involvement", "your agency's involvement with the child began")
    ]


def check(
    *,
    at: Moment | None,
    recorded_at: datetime.datetime,
    rules: Backdating,
    not_before: Iterable[NotBefore] = (),
    reason: str = "",
    explanation_given: bool = False,
    label: str = "the time",
) -> Checked:
    """Every problem with an event time `at` a client gives, recorded at `recorded_at`.

    `at` is an aware date-time, or a date for events recorded by the day; None
    means the client gave none (the event is the recording itself). `reason` is
    the code given for recording late, `explanation_given` whether free text
    explains it. `label` names the time in messages ("the decision").
    """
    problems: list[Problem] = []
    if at is None:
        at = recorded_at
    if isinstance(at, datetime.datetime) and not clock.is_aware(at):
        return Checked((Problem(AT, "timezone_required", TIMEZONE_MESSAGE),), False)
    today = clock.local_date(recorded_at)
    if isinstance(at, datetime.datetime):
        future = at > recorded_at + FUTURE_TOLERANCE
        backdated = recorded_at - at > rules.reason_after
    else:
        future = at > today
        backdated = at < today
    if future:
        what = "date and time" if isinstance(at, datetime.datetime) else "date"
        message = f"The {what} of {label} cannot be in the future."
        return Checked((Problem(AT, "future", message),), False)
    earliest = earliest_day(recorded_at=recorded_at, rules=rules)
    if _day(at) < earliest:
        problems.append(
            Problem(
                AT,
                "backdating_limit",
                f"The date of {label} can be at most {rules.limit_days} days ago "
                f"(on or after {earliest:%-d %B %Y}).",
            )
        )
    for bound in not_before:
        if _precedes(at, bound.at):
            problems.append(
                Problem(AT, bound.code, f"The date of {label} cannot be before {bound.what}.")
            )
    known = rules.reason(reason) if reason else None
    if reason and known is None:
        problems.append(
            Problem(REASON, "unknown_code", "Choose a reason from the protocol pack's list.")
        )
    if backdated and not reason:
        problems.append(
            Problem(
                REASON,
                "required",
                f"Say why {label} is recorded later than it happened.",
            )
        )
    if reason and not backdated:
        problems.append(
            Problem(
                REASON,
                "not_backdated",
                f"Give a reason only when {label} is recorded later than it happened.",
            )
        )
    if known is not None and backdated and known.explanation_required and not explanation_given:
        problems.append(Problem(EXPLANATION, "required", "Explain the reason."))
    if explanation_given and not (reason and backdated):
        problems.append(
            Problem(
                EXPLANATION,
                "not_applicable",
                "Explain only a reason for recording later than it happened.",
            )
        )
    return Checked(tuple(problems), backdated)
