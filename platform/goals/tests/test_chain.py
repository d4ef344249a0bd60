"""The streak rules: examples for each rule, then properties over many schedules."""

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from goals.chain import (
    DayStatus,
    Schedule,
    ScheduleKind,
    evaluate_chain,
    local_day,
    scheduled_days,
)

DAILY = Schedule(ScheduleKind.DAILY)
# hypothesis draws naive datetimes between naive bounds; the test makes them UTC.
NAIVE_FIRST = datetime(2025, 1, 1)  # noqa: DTZ001
NAIVE_LAST = datetime(2028, 1, 1)  # noqa: DTZ001
MON = date(2026, 3, 2)  # a Monday


def days(first, n):
    return {first + timedelta(days=i) for i in range(n)}


def test_every_day_marked_counts_every_day():
    r = evaluate_chain(schedule=DAILY, start=MON, today=MON + timedelta(days=9), done=days(MON, 10))
    assert (r.current, r.longest) == (10, 10)


def test_today_unmarked_is_not_a_miss():
    r = evaluate_chain(schedule=DAILY, start=MON, today=MON + timedelta(days=3), done=days(MON, 3))
    assert r.current == 3
    assert r.statuses[MON + timedelta(days=3)] == DayStatus.OPEN


def test_one_grace_day_a_week_keeps_the_chain():
    done = days(MON, 7) - {MON + timedelta(days=2)}
    r = evaluate_chain(schedule=DAILY, start=MON, today=MON + timedelta(days=6), done=done)
    assert r.current == 6  # the graced day holds the chain but does not add to it
    assert r.statuses[MON + timedelta(days=2)] == DayStatus.GRACE


def test_second_miss_in_the_same_week_breaks_the_chain():
    done = days(MON, 7) - {MON + timedelta(days=1), MON + timedelta(days=4)}
    r = evaluate_chain(schedule=DAILY, start=MON, today=MON + timedelta(days=6), done=done)
    assert r.statuses[MON + timedelta(days=1)] == DayStatus.GRACE
    assert r.statuses[MON + timedelta(days=4)] == DayStatus.MISSED
    assert r.current == 2  # Saturday and Sunday
    assert r.longest == 3  # Monday, Wednesday, Thursday


def test_grace_is_per_calendar_week():
    # Sunday of week one and Monday of week two both missed: one grace day in each week.
    sunday = MON + timedelta(days=6)
    done = days(MON, 14) - {sunday, sunday + timedelta(days=1)}
    r = evaluate_chain(schedule=DAILY, start=MON, today=MON + timedelta(days=13), done=done)
    assert r.current == 12


def test_weekday_schedule_rest_days_never_break_and_never_count():
    schedule = Schedule(ScheduleKind.WEEKDAYS, weekdays=frozenset({0, 2, 4}))
    done = {MON, MON + timedelta(days=2), MON + timedelta(days=4), MON + timedelta(days=5)}
    r = evaluate_chain(schedule=schedule, start=MON, today=MON + timedelta(days=6), done=done)
    assert r.current == 3
    assert r.statuses[MON + timedelta(days=5)] == DayStatus.EXTRA
    assert r.statuses[MON + timedelta(days=1)] == DayStatus.REST


def test_per_week_holds_when_the_week_reaches_its_number():
    schedule = Schedule(ScheduleKind.PER_WEEK, times_per_week=3)
    done = {MON, MON + timedelta(days=3), MON + timedelta(days=6), MON + timedelta(days=8)}
    r = evaluate_chain(schedule=schedule, start=MON, today=MON + timedelta(days=9), done=done)
    assert r.current == 4  # three last week, one so far this week (week in progress)


def test_per_week_short_week_breaks_and_the_chain_restarts_next_week():
    schedule = Schedule(ScheduleKind.PER_WEEK, times_per_week=3)
    done = {MON, MON + timedelta(days=3), MON + timedelta(days=7)}
    r = evaluate_chain(schedule=schedule, start=MON, today=MON + timedelta(days=8), done=done)
    assert r.current == 1
    assert r.longest == 1  # the days of a week that fell short are in no chain


def test_per_week_first_partial_week_needs_only_the_days_left():
    schedule = Schedule(ScheduleKind.PER_WEEK, times_per_week=5)
    saturday = MON + timedelta(days=5)
    done = {saturday, saturday + timedelta(days=1)}
    r = evaluate_chain(schedule=schedule, start=saturday, today=MON + timedelta(days=7), done=done)
    assert r.current == 2


def test_days_before_the_start_and_after_today_are_ignored():
    r = evaluate_chain(
        schedule=DAILY,
        start=MON,
        today=MON + timedelta(days=1),
        done={MON - timedelta(days=1), MON, MON + timedelta(days=1), MON + timedelta(days=5)},
    )
    assert r.current == 2


@pytest.mark.parametrize(
    ("instant", "expected"),
    [
        # Spring forward in Copenhagen: 2026-03-29 02:00 CET -> 03:00 CEST (01:00 UTC).
        (datetime(2026, 3, 28, 22, 59, tzinfo=UTC), date(2026, 3, 28)),  # 23:59 CET
        (datetime(2026, 3, 28, 23, 0, tzinfo=UTC), date(2026, 3, 29)),  # 00:00 CET
        (datetime(2026, 3, 29, 21, 59, tzinfo=UTC), date(2026, 3, 29)),  # 23:59 CEST
        (datetime(2026, 3, 29, 22, 0, tzinfo=UTC), date(2026, 3, 30)),  # 00:00 CEST
        # Fall back: 2026-10-25 03:00 CEST -> 02:00 CET (01:00 UTC).
        (datetime(2026, 10, 24, 21, 59, tzinfo=UTC), date(2026, 10, 24)),
        (datetime(2026, 10, 24, 22, 0, tzinfo=UTC), date(2026, 10, 25)),
        (datetime(2026, 10, 25, 22, 59, tzinfo=UTC), date(2026, 10, 25)),  # 23:59 CET
        (datetime(2026, 10, 25, 23, 0, tzinfo=UTC), date(2026, 10, 26)),
    ],
)
def test_local_day_across_daylight_saving_in_copenhagen(instant, expected):
    assert local_day(instant, "Europe/Copenhagen") == expected


@pytest.mark.parametrize("switch", [date(2026, 3, 29), date(2026, 10, 25)])
def test_a_streak_across_a_dst_switch_neither_breaks_nor_doubles(switch):
    """Mark once an hour around the switch (24 marks a day, converted to local days): the
    streak counts each local day exactly once, including the 23- and 25-hour days."""
    start = switch - timedelta(days=3)
    instant = datetime(start.year, start.month, start.day, tzinfo=UTC) - timedelta(hours=1)
    marks = set()
    while local_day(instant, "Europe/Copenhagen") <= switch + timedelta(days=3):
        marks.add(local_day(instant, "Europe/Copenhagen"))
        instant += timedelta(hours=1)
    today = switch + timedelta(days=3)
    r = evaluate_chain(schedule=DAILY, start=start, today=today, done=marks)
    assert r.current == 7
    assert len(set(r.current_days)) == 7


@st.composite
def schedules(draw):
    kind = draw(st.sampled_from(list(ScheduleKind)))
    if kind == ScheduleKind.WEEKDAYS:
        return Schedule(kind, weekdays=frozenset(draw(st.sets(st.integers(0, 6), min_size=1))))
    if kind == ScheduleKind.PER_WEEK:
        return Schedule(kind, times_per_week=draw(st.integers(1, 7)))
    return Schedule(kind)


@st.composite
def histories(draw):
    schedule = draw(schedules())
    start = draw(st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 1, 1)))
    length = draw(st.integers(0, 70))
    today = start + timedelta(days=length)
    offsets = draw(st.sets(st.integers(-5, length + 5), max_size=80))
    done = {start + timedelta(days=o) for o in offsets}
    return schedule, start, today, done


@settings(max_examples=300, deadline=None)
@given(histories())
def test_streak_never_exceeds_scheduled_days_nor_counts_a_day_twice(history):
    schedule, start, today, done = history
    r = evaluate_chain(schedule=schedule, start=start, today=today, done=done)
    assert 0 <= r.current <= r.longest
    assert r.longest <= scheduled_days(schedule=schedule, start=start, today=today)
    assert r.current == len(r.current_days) == len(set(r.current_days))
    assert set(r.current_days) <= done
    assert all(start <= d <= today and schedule.is_scheduled(d) for d in r.current_days)
    assert all(r.statuses[d] == DayStatus.DONE for d in r.current_days)


@settings(max_examples=300, deadline=None)
@given(histories(), st.integers(0, 70))
def test_marking_one_more_day_never_shortens_the_current_streak(history, offset):
    schedule, start, today, done = history
    extra = start + timedelta(days=offset)
    before = evaluate_chain(schedule=schedule, start=start, today=today, done=done)
    after = evaluate_chain(schedule=schedule, start=start, today=today, done=done | {extra})
    assert after.current >= before.current
    assert after.longest >= before.longest


@settings(max_examples=200, deadline=None)
@given(histories())
def test_a_fully_marked_history_is_one_unbroken_chain(history):
    schedule, start, today, _done = history
    everything = days(start, (today - start).days + 1)
    r = evaluate_chain(schedule=schedule, start=start, today=today, done=everything)
    assert r.current == r.longest == scheduled_days(schedule=schedule, start=start, today=today)


@settings(max_examples=200, deadline=None)
@given(
    st.datetimes(min_value=NAIVE_FIRST, max_value=NAIVE_LAST),
    st.integers(1, 400),
    st.sampled_from(["Europe/Copenhagen", "America/New_York", "Australia/Lord_Howe", "UTC"]),
)
def test_hourly_marks_in_any_zone_count_each_local_day_once(first, hours, tz_name):
    """However the clocks change, marks converted to local days form a gap-free run."""
    instant = first.replace(tzinfo=UTC)
    marks = {local_day(instant + timedelta(hours=h), tz_name) for h in range(hours)}
    start, today = min(marks), max(marks)
    r = evaluate_chain(schedule=DAILY, start=start, today=today, done=marks)
    assert r.current == (today - start).days + 1 == len(marks)


def test_back_filling_yesterday_mends_the_chain():
    # Tuesday was the week's grace day; yesterday (Thursday) unmarked breaks the chain...
    today = MON + timedelta(days=4)
    done = {MON, MON + timedelta(days=2)}
    before = evaluate_chain(schedule=DAILY, start=MON, today=today, done=done)
    assert before.current == 0
    # ... until the patient marks yesterday, which is allowed.
    after = evaluate_chain(
        schedule=DAILY, start=MON, today=today, done=done | {today - timedelta(days=1)}
    )
    assert after.current == 3


@settings(max_examples=200, deadline=None)
@given(histories())
def test_at_most_one_grace_day_per_calendar_week(history):
    schedule, start, today, done = history
    r = evaluate_chain(schedule=schedule, start=start, today=today, done=done)
    graced = [d for d, s in r.statuses.items() if s == DayStatus.GRACE]
    weeks = [d - timedelta(days=d.weekday()) for d in graced]
    assert len(weeks) == len(set(weeks))
    assert DayStatus.MISSED not in {r.statuses[d] for d in r.current_days}
