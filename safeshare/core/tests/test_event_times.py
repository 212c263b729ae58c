"""The one rule for event times a client supplies (issue #11 item 4), as a pure function:
properties over generated times, and the calendar's edges in Europe/London."""

import datetime
import zoneinfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from safeshare.core import event_times
from safeshare.core.event_times import (
    AT,
    EXPLANATION,
    FUTURE_TOLERANCE,
    REASON,
    Backdating,
    BackdatingReason,
    NotBefore,
    check,
)

UTC = datetime.UTC
LONDON = zoneinfo.ZoneInfo("Europe/London")
RULES = Backdating(
    limit_days=30,
    reason_after=datetime.timedelta(minutes=15),
    reasons=(
        BackdatingReason("away_from_system", "Away"),
        BackdatingReason("other", "Another reason", explanation_required=True),
    ),
)
NOW = datetime.datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


def codes(result, part=None):
    return {p.code for p in result.problems if part is None or p.part == part}


# --- the rules, one by one ---------------------------------------------------------------


def test_no_time_given_is_the_recording_itself():
    result = check(at=None, recorded_at=NOW, rules=RULES)
    assert result.problems == () and not result.backdated


def test_a_naive_time_is_refused_and_nothing_else_is_judged():
    result = check(at=NOW.replace(tzinfo=None), recorded_at=NOW, rules=RULES, reason="x")
    assert [(p.part, p.code) for p in result.problems] == [(AT, "timezone_required")]


def test_a_time_ahead_within_the_clock_skew_tolerance_is_accepted():
    assert FUTURE_TOLERANCE == datetime.timedelta(minutes=2)
    assert check(at=NOW + FUTURE_TOLERANCE, recorded_at=NOW, rules=RULES).problems == ()


def test_a_time_beyond_the_tolerance_is_in_the_future():
    later = NOW + FUTURE_TOLERANCE + datetime.timedelta(seconds=1)
    assert codes(check(at=later, recorded_at=NOW, rules=RULES)) == {"future"}


def test_a_date_after_today_is_in_the_future_and_today_is_not():
    today = datetime.date(2026, 11, 25)
    assert codes(check(at=today + datetime.timedelta(days=1), recorded_at=NOW, rules=RULES)) == {
        "future"
    }
    assert check(at=today, recorded_at=NOW, rules=RULES).problems == ()


def test_within_the_reason_tolerance_no_reason_is_needed_or_taken():
    at = NOW - datetime.timedelta(minutes=15)
    assert check(at=at, recorded_at=NOW, rules=RULES).problems == ()
    assert codes(check(at=at, recorded_at=NOW, rules=RULES, reason="away_from_system")) == {
        "not_backdated"
    }


def test_earlier_than_the_tolerance_needs_a_reason_from_the_list():
    at = NOW - datetime.timedelta(minutes=16)
    assert codes(check(at=at, recorded_at=NOW, rules=RULES), REASON) == {"required"}
    assert codes(check(at=at, recorded_at=NOW, rules=RULES, reason="nap"), REASON) == {
        "unknown_code"
    }
    ok = check(at=at, recorded_at=NOW, rules=RULES, reason="away_from_system")
    assert ok.problems == () and ok.backdated


def test_a_date_before_today_needs_a_reason():
    yesterday = datetime.date(2026, 11, 24)
    assert codes(check(at=yesterday, recorded_at=NOW, rules=RULES)) == {"required"}


def test_a_reason_that_says_so_needs_an_explanation_and_only_then_is_one_taken():
    at = NOW - datetime.timedelta(hours=2)
    assert codes(check(at=at, recorded_at=NOW, rules=RULES, reason="other"), EXPLANATION) == {
        "required"
    }
    assert (
        check(at=at, recorded_at=NOW, rules=RULES, reason="other", explanation_given=True).problems
        == ()
    )
    assert codes(check(at=NOW, recorded_at=NOW, rules=RULES, explanation_given=True)) == {
        "not_applicable"
    }


def test_the_limit_counts_calendar_days_back_from_the_day_of_recording():
    first = datetime.datetime(2026, 10, 26, 0, 0, tzinfo=LONDON)  # 30 days before 25 Nov
    ok = check(at=first, recorded_at=NOW, rules=RULES, reason="away_from_system")
    assert ok.problems == ()
    too_old = check(
        at=first - datetime.timedelta(seconds=1),
        recorded_at=NOW,
        rules=RULES,
        reason="away_from_system",
    )
    assert codes(too_old) == {"backdating_limit"}
    assert "on or after 26 October 2026" in too_old.problems[0].message


def test_nothing_before_what_the_event_follows():
    raised = NOW - datetime.timedelta(days=2)
    bounds = [
        NotBefore(raised, "before_request", "the request was raised"),
        NotBefore(datetime.date(2026, 11, 24), "before_involvement", "the involvement began"),
    ]
    early = check(
        at=raised - datetime.timedelta(minutes=1),
        recorded_at=NOW,
        rules=RULES,
        not_before=bounds,
        reason="away_from_system",
    )
    assert codes(early) == {"before_request", "before_involvement"}
    assert "cannot be before the request was raised" in early.problems[0].message
    assert check(
        at=raised, recorded_at=NOW, rules=RULES, not_before=bounds, reason="away_from_system"
    ).problems == (
        event_times.Problem(
            AT, "before_involvement", "The date of the time cannot be before the involvement began."
        ),
    )


def test_a_date_is_compared_with_a_moment_by_its_day_in_london():
    # Sent at 00:30 BST on 1 June (23:30 UTC on 31 May): told on 1 June is not before it.
    sent = datetime.datetime(2026, 5, 31, 23, 30, tzinfo=UTC)
    bound = [NotBefore(sent, "before_share", "the share")]
    recorded = datetime.datetime(2026, 6, 2, 9, 0, tzinfo=UTC)
    told = check(
        at=datetime.date(2026, 6, 1),
        recorded_at=recorded,
        rules=RULES,
        not_before=bound,
        reason="away_from_system",
    )
    assert told.problems == ()
    early = check(
        at=datetime.date(2026, 5, 31),
        recorded_at=recorded,
        rules=RULES,
        not_before=bound,
        reason="away_from_system",
    )
    assert codes(early) == {"before_share"}


# --- the clocks change in Europe/London ------------------------------------------------


@pytest.mark.parametrize(
    ("recorded", "first_day"),
    [
        # Spring forward on Sunday 29 March 2026: 30 days back from 20 April (BST) is
        # 21 March (GMT); 30 x 24 hours back would land at 11:00 GMT, not midnight.
        (datetime.datetime(2026, 4, 20, 9, 0, tzinfo=UTC), datetime.date(2026, 3, 21)),
        # Fall back on Sunday 25 October 2026: from 10 November (GMT) to 11 October (BST).
        (datetime.datetime(2026, 11, 10, 0, 30, tzinfo=UTC), datetime.date(2026, 10, 11)),
    ],
)
def test_the_limit_holds_by_the_day_across_a_change_of_the_clocks(recorded, first_day):
    midnight = datetime.datetime.combine(first_day, datetime.time(0, 0), tzinfo=LONDON)
    assert event_times.earliest_day(recorded_at=recorded, rules=RULES) == first_day
    kept = check(at=midnight, recorded_at=recorded, rules=RULES, reason="away_from_system")
    assert kept.problems == ()
    dropped = check(
        at=midnight - datetime.timedelta(minutes=1),
        recorded_at=recorded,
        rules=RULES,
        reason="away_from_system",
    )
    assert codes(dropped) == {"backdating_limit"}


def test_an_hour_that_repeats_when_the_clocks_go_back_is_judged_by_its_real_time():
    # 01:30 happens twice on 25 October 2026: first in BST (00:30 UTC), then in GMT.
    first = datetime.datetime(2026, 10, 25, 1, 30, tzinfo=LONDON, fold=0)
    second = datetime.datetime(2026, 10, 25, 1, 30, tzinfo=LONDON, fold=1)
    recorded = datetime.datetime(2026, 10, 25, 1, 40, tzinfo=UTC)  # 01:40 GMT
    assert codes(check(at=first, recorded_at=recorded, rules=RULES)) == {"required"}
    assert check(at=second, recorded_at=recorded, rules=RULES).problems == ()


def test_a_time_just_after_midnight_in_summer_falls_on_the_london_day():
    # 23:30 UTC on 30 June is 00:30 BST on 1 July; an involvement began on 1 July.
    at = datetime.datetime(2026, 6, 30, 23, 30, tzinfo=UTC)
    bound = [NotBefore(datetime.date(2026, 7, 1), "before_involvement", "it began")]
    recorded = datetime.datetime(2026, 7, 1, 8, 0, tzinfo=UTC)
    assert (
        check(
            at=at, recorded_at=recorded, rules=RULES, not_before=bound, reason="away_from_system"
        ).problems
        == ()
    )


# --- properties ------------------------------------------------------------------------

MOMENTS = st.datetimes(
    min_value=datetime.datetime(2024, 1, 1),
    max_value=datetime.datetime(2030, 12, 31),
    timezones=st.just(UTC),
)
OFFSETS = st.timedeltas(
    min_value=datetime.timedelta(days=-40), max_value=datetime.timedelta(days=1)
)
REASONS = st.sampled_from(["", "away_from_system", "other", "made_up"])


@settings(max_examples=300, deadline=None)
@given(recorded=MOMENTS, offset=OFFSETS, reason=REASONS, explained=st.booleans())
def test_a_time_is_accepted_exactly_when_every_rule_holds(recorded, offset, reason, explained):
    at = recorded + offset
    result = check(
        at=at, recorded_at=recorded, rules=RULES, reason=reason, explanation_given=explained
    )
    in_future = at > recorded + FUTURE_TOLERANCE
    too_old = at.astimezone(LONDON).date() < (
        recorded.astimezone(LONDON).date() - datetime.timedelta(days=30)
    )
    backdated = recorded - at > datetime.timedelta(minutes=15)
    if backdated:  # a reason from the list; "other" explained (any reason may be)
        reason_ok = reason in ("away_from_system", "other") and (reason != "other" or explained)
    else:
        reason_ok = not reason and not explained
    accepted = not in_future and not too_old and reason_ok
    assert (result.problems == ()) is accepted
    assert all(p.part in (AT, REASON, EXPLANATION) and p.message for p in result.problems)
    if in_future:
        assert codes(result) == {"future"}


@settings(max_examples=200, deadline=None)
@given(recorded=MOMENTS, offset=OFFSETS, tz=st.sampled_from([UTC, LONDON]))
def test_the_same_moment_in_any_time_zone_gets_the_same_answer(recorded, offset, tz):
    at = recorded + offset
    here = check(at=at, recorded_at=recorded, rules=RULES, reason="away_from_system")
    there = check(
        at=at.astimezone(tz), recorded_at=recorded, rules=RULES, reason="away_from_system"
    )
    assert here == there
