"""The one clock: every service asks here, so tests can freeze time."""

import datetime

from django.utils import timezone


def now() -> datetime.datetime:
    """The current time, aware and in UTC."""
    return timezone.now()


def today() -> datetime.date:
    """Today's date in the partnership's time zone."""
    return timezone.localdate()
