"""When a reminder arrives: time zones, daylight saving, quiet hours, the spread."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from reminders.timing import arrival, in_quiet, next_time_of_day, quiet_end, spread_offset

CPH = ZoneInfo("Europe/Copenhagen")
OSLO = ZoneInfo("Europe/Oslo")
NY = ZoneInfo("America/New_York")
NONE = timedelta(0)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_nine_in_the_morning_is_nine_where_the_person_lives():
    now = utc(2027, 1, 10, 5, 0)
    assert next_time_of_day(now, time(9), CPH, NONE) == utc(2027, 1, 10, 8, 0)
    assert next_time_of_day(now, time(9), NY, NONE) == utc(2027, 1, 10, 14, 0)


def test_a_time_already_past_today_is_tomorrow():
    now = utc(2027, 1, 10, 12, 0)  # 13:00 in Copenhagen
    assert next_time_of_day(now, time(9), CPH, NONE) == utc(2027, 1, 11, 8, 0)


def test_nine_stays_nine_across_the_spring_and_autumn_changes():
    # Copenhagen moves to summer time on 28 March 2027 and back on 31 October 2027.
    before = next_time_of_day(utc(2027, 3, 27, 0, 0), time(9), CPH, NONE)
    after = next_time_of_day(utc(2027, 3, 28, 0, 0), time(9), CPH, NONE)
    assert before == utc(2027, 3, 27, 8, 0) and after == utc(2027, 3, 28, 7, 0)
    assert before.astimezone(CPH).time() == after.astimezone(CPH).time() == time(9)
    autumn = next_time_of_day(utc(2027, 10, 31, 0, 0), time(9), CPH, NONE)
    assert autumn == utc(2027, 10, 31, 8, 0) and autumn.astimezone(CPH).hour == 9


def test_a_time_the_clocks_skip_comes_just_after_the_change():
    # 02:30 does not exist in Oslo on 28 March 2027: it comes at 03:30 summer time.
    moment = next_time_of_day(utc(2027, 3, 27, 23, 0), time(2, 30), OSLO, NONE)
    assert moment == utc(2027, 3, 28, 1, 30)
    assert moment.astimezone(OSLO).time() == time(3, 30)


def test_a_time_that_happens_twice_comes_once_the_first_time():
    moment = next_time_of_day(utc(2027, 10, 30, 22, 0), time(2, 30), CPH, NONE)
    assert moment == utc(2027, 10, 31, 0, 30)  # 02:30 summer time, the first 02:30


def test_quiet_hours_over_midnight_hold_a_reminder_until_they_end():
    quiet = (time(22), time(7))
    late = utc(2027, 1, 10, 22, 30)  # 23:30 in Copenhagen
    assert in_quiet(late, *quiet, CPH)
    assert quiet_end(late, *quiet, CPH) == utc(2027, 1, 11, 6, 0)  # 07:00 next morning
    early = utc(2027, 1, 11, 4, 0)  # 05:00
    assert quiet_end(early, *quiet, CPH) == utc(2027, 1, 11, 6, 0)
    assert not in_quiet(utc(2027, 1, 11, 6, 0), *quiet, CPH)  # 07:00 itself is not quiet
    assert arrival(now=late, zone=CPH, clock=None, offset=NONE, quiet=quiet) == utc(
        2027, 1, 11, 6, 0
    )


def test_quiet_hours_in_the_day_and_a_message_outside_them_comes_at_once():
    quiet = (time(12), time(14))
    assert in_quiet(utc(2027, 1, 10, 12, 0), *quiet, CPH)  # 13:00
    assert not in_quiet(utc(2027, 1, 10, 14, 0), *quiet, CPH)  # 15:00
    now = utc(2027, 1, 10, 9, 0)
    assert arrival(now=now, zone=CPH, clock=None, offset=NONE, quiet=quiet) == now


def test_quiet_hours_end_at_the_local_time_on_the_night_of_the_change():
    quiet = (time(22), time(7))
    # The night the clocks go forward: 07:00 summer time is 05:00 UTC.
    assert quiet_end(utc(2027, 3, 27, 23, 0), *quiet, CPH) == utc(2027, 3, 28, 5, 0)
    # The night they go back: 07:00 winter time is 06:00 UTC.
    assert quiet_end(utc(2027, 10, 30, 23, 0), *quiet, CPH) == utc(2027, 10, 31, 6, 0)


def test_a_chosen_time_inside_quiet_hours_moves_to_their_end_with_the_spread():
    offset = timedelta(minutes=12)
    moment = arrival(
        now=utc(2027, 1, 10, 12, 0),
        zone=CPH,
        clock=time(6, 30),
        offset=offset,
        quiet=(time(22), time(7)),
    )
    assert moment == utc(2027, 1, 11, 6, 12)  # 07:12 local


@given(st.uuids(), st.sampled_from(["habit", "checkin", "questionnaire"]))
def test_the_spread_is_stable_and_inside_the_window(user_id, kind):
    first = spread_offset(user_id, kind, 1800)
    assert first == spread_offset(user_id, kind, 1800)
    assert timedelta(0) <= first < timedelta(seconds=1800)
    assert spread_offset(user_id, kind, 0) == NONE


def test_the_spread_shares_a_morning_out_evenly():
    import uuid

    minutes = [0] * 30
    for _ in range(30_000):
        minutes[int(spread_offset(uuid.uuid4(), "habit", 1800).total_seconds() // 60)] += 1
    # 30,000 people who all chose 08:00: about 1,000 a minute, never a burst in one minute.
    assert max(minutes) < 1_200 and min(minutes) > 800
