"""Due dates counted in working days (Protocol 5.2 Timely)."""

import datetime
from collections.abc import Collection

from safeshare.exchange.models import Urgency

SATURDAY = 5

# Default answer times for an information request, in working days (0: the same day).
REQUEST_DUE_WORKING_DAYS = {Urgency.ROUTINE: 10, Urgency.URGENT: 2, Urgency.SAME_DAY: 0}

# A child-protection file follows a child to a new school within five school days
# (Keeping Children Safe in Education; issue #4 item 5).
FILE_TRANSFER_SCHOOL_DAYS = 5


def add_working_days(
    start: datetime.date, days: int, *, holidays: Collection[datetime.date] = ()
) -> datetime.date:
    """The date `days` working days after `start`, skipping weekends and `holidays`.

    `days=0` gives `start` itself.
    """
    current = start
    remaining = days
    while remaining > 0:
        current += datetime.timedelta(days=1)
        if current.weekday() < SATURDAY and current not in holidays:
            remaining -= 1
    return current


def request_due_on(urgency: str, today: datetime.date) -> datetime.date:
    """The default due date for a request of this urgency raised today."""
    return add_working_days(today, REQUEST_DUE_WORKING_DAYS[Urgency(urgency)])
