"""The one clock: every service asks here, so tests can freeze time."""

import datetime

from django.utils import timezone


def now() -> datetime.datetime:
    """The current time, aware and in UTC."""
    return timezone.now()


def today() -> datetime.date:
    """Today's date in the partnership's time zone."""
    return timezone.localdate()


def is_aware(value: object) -> bool:
    """Whether a value is a date-time with its time zone (naive ones cannot be compared)."""
    return isinstance(value, datetime.datetime) and not timezone.is_naive(value)


def local_date(moment: datetime.datetime) -> datetime.date:
    """The day an aware moment falls on in the partnership's time zone (Europe/London)."""
    return timezone.localdate(moment)
