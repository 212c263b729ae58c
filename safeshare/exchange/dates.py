"""Due dates counted in working days (Protocol 5.2 Timely).

A working day is a weekday that is not a bank holiday in England, where the
partnership works: the dates are Europe/London dates (`clock.today()`), and the
bank holidays, substitute days included, come from the `holidays` package.
"""

import datetime
import functools
from collections.abc import Collection

from holidays import country_holidays

from safeshare.exchange.models import Urgency

SATURDAY = 5

# Default answer times for an information request, in working days (0: the same day).
REQUEST_DUE_WORKING_DAYS = {Urgency.ROUTINE: 10, Urgency.URGENT: 2, Urgency.SAME_DAY: 0}

# A child-protection file follows a child to a new school within five school days
# (Keeping Children Safe in Education; issue #4 item 5). Counted as working days: a
# school's own term dates are not known here, its bank holidays are.
FILE_TRANSFER_SCHOOL_DAYS = 5


@functools.cache
def bank_holidays(year: int) -> frozenset[datetime.date]:
    """England's bank holidays in `year`, with the substitute day for one that falls at a
    weekend (Boxing Day 2026, a Saturday, is taken on Monday 28 December)."""
    return frozenset(country_holidays("GB", subdiv="ENG", years=year))


def is_working_day(day: datetime.date) -> bool:
    """A weekday that is not a bank holiday in England."""
    return day.weekday() < SATURDAY and day not in bank_holidays(day.year)


def add_working_days(
    start: datetime.date, days: int, *, holidays: Collection[datetime.date] = ()
) -> datetime.date:
    """The date `days` working days after `start`, skipping weekends, England's bank
    holidays and any further `holidays` (a school's own closures, say).

    The day after `start` is the first counted, so a request raised on a bank holiday or
    at the weekend counts from the next working day. `days=0` gives `start` itself, on
    any day: a same-day request is due the day it is raised.
    """
    current = start
    remaining = days
    while remaining > 0:
        current += datetime.timedelta(days=1)
        if is_working_day(current) and current not in holidays:
            remaining -= 1
    return current


def request_due_on(urgency: str, today: datetime.date) -> datetime.date:
    """The default due date for a request of this urgency raised today."""
    return add_working_days(today, REQUEST_DUE_WORKING_DAYS[Urgency(urgency)])
