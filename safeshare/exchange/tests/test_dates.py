"""Due dates skip weekends and England's bank holidays, substitute days included
(Protocol 5.2 Timely): the real calendar's awkward corners of 2026 and 2027."""

import datetime

import pytest
import time_machine

from safeshare.access.tests.helpers import person_for
from safeshare.agencies.models import AgencyType, Role
from safeshare.agencies.tests.factories import AgencyFactory, staff
from safeshare.exchange.dates import (
    add_working_days,
    bank_holidays,
    is_working_day,
    request_due_on,
)
from safeshare.exchange.models import ShareKind, Urgency
from safeshare.exchange.tests.helpers import pair, raise_request, send

D = datetime.date


def test_christmas_2026_skips_christmas_day_and_boxing_days_substitute():
    # 25 December 2026 is a Friday; Boxing Day falls on the Saturday, so Monday 28th is off.
    assert not is_working_day(D(2026, 12, 25)) and not is_working_day(D(2026, 12, 28))
    assert D(2026, 12, 28) in bank_holidays(2026)
    assert is_working_day(D(2026, 12, 29))
    assert add_working_days(D(2026, 12, 24), 1) == D(2026, 12, 29)
    # New Year's Day 2027 is a Friday too.
    assert add_working_days(D(2026, 12, 24), 3) == D(2026, 12, 31)
    assert add_working_days(D(2026, 12, 24), 4) == D(2027, 1, 4)


def test_easter_2027_skips_good_friday_and_easter_monday():
    assert not is_working_day(D(2027, 3, 26)) and not is_working_day(D(2027, 3, 29))
    assert add_working_days(D(2027, 3, 25), 1) == D(2027, 3, 30)
    assert request_due_on(Urgency.URGENT, D(2027, 3, 25)) == D(2027, 3, 31)


def test_the_may_bank_holidays_of_2027():
    # Early May: Monday 3 May. Spring: Monday 31 May.
    assert not is_working_day(D(2027, 5, 3)) and not is_working_day(D(2027, 5, 31))
    assert add_working_days(D(2027, 4, 30), 5) == D(2027, 5, 10)
    assert add_working_days(D(2027, 5, 27), 2) == D(2027, 6, 1)


def test_a_request_raised_on_a_bank_holiday_counts_from_the_next_working_day():
    good_friday = D(2027, 3, 26)
    assert request_due_on(Urgency.URGENT, good_friday) == D(2027, 3, 31)
    # Christmas Day 2026: routine, ten working days, across four bank holidays.
    assert request_due_on(Urgency.ROUTINE, D(2026, 12, 25)) == D(2027, 1, 12)


def test_a_same_day_request_is_due_the_day_it_is_raised_even_when_no_one_works():
    saturday, christmas = D(2026, 11, 28), D(2026, 12, 25)
    assert request_due_on(Urgency.SAME_DAY, saturday) == saturday
    assert request_due_on(Urgency.SAME_DAY, christmas) == christmas
    assert request_due_on(Urgency.URGENT, saturday) == D(2026, 12, 1)


def test_a_days_own_holidays_add_to_the_bank_holidays():
    inset_day = D(2026, 12, 29)
    assert add_working_days(D(2026, 12, 24), 1, holidays={inset_day}) == D(2026, 12, 30)


@pytest.mark.django_db
def test_a_request_raised_before_easter_is_due_after_it():
    home, other, asker, _ = pair()
    child = person_for(asker)
    # Thursday 25 March 2027, in London (British Summer Time starts on the Sunday).
    with time_machine.travel(datetime.datetime(2027, 3, 25, 12, tzinfo=datetime.UTC)):
        request = raise_request(asker, child, other, urgency=Urgency.URGENT)
    assert request.due_on == D(2027, 3, 31)


@pytest.mark.django_db
def test_a_school_file_sent_before_christmas_is_due_in_five_school_days_after_it():
    old_school = AgencyFactory(agency_type=AgencyType.SCHOOL)
    new_school = AgencyFactory(agency_type=AgencyType.SCHOOL)
    teacher = staff(Role.SAFEGUARDING_LEAD, agency=old_school)
    child = person_for(teacher)
    # Late on Wednesday 23 December 2026 in London.
    with time_machine.travel(datetime.datetime(2026, 12, 23, 23, 30, tzinfo=datetime.UTC)):
        share = send(teacher, child, new_school, kind=ShareKind.EXCHANGE, is_file_transfer=True)
    # 24, 29, 30, 31 December and 4 January.
    assert share.receipt_due_on == D(2027, 1, 4)
