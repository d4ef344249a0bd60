"""The "Don't break the chain" rules, as one pure function over calendar dates.

Everything here works on ``datetime.date`` values: the patient's *local* calendar days. The
conversion from an instant to a local day happens once, in ``local_day``, using the patient's
time zone. Because the rules never look at hours, a daylight-saving change (a 23- or 25-hour
day) can neither break nor double a streak.

The rules (stated to the patient on the habit page, see ``RULES`` in the templates):

* **Every day / chosen weekdays.** Only scheduled days count. Days outside the schedule are
  rest days: they never break the chain; marking one is welcome but adds nothing to the count.
* **One grace day per week.** In each calendar week (Monday to Sunday) the *first* scheduled
  day that was not marked is a grace day: the chain holds. A second unmarked scheduled day in
  the same week breaks it.
* **N times a week.** The week is the unit: a finished week with at least N marked days keeps
  the chain (the first week only needs as many days as it had left after the habit started).
  A week that falls short breaks the chain; the new chain starts the next week. No extra grace
  day: the free choice of days is the flexibility.
* **Today is never a miss.** The day is not over yet; the week in progress never breaks the
  chain either for "N times a week".
* **The streak** is the number of marked, counted days in the unbroken chain that reaches
  today; the longest streak is the largest such number ever.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo


class ScheduleKind(StrEnum):
    DAILY = "daily"
    WEEKDAYS = "weekdays"
    PER_WEEK = "per_week"


class DayStatus(StrEnum):
    DONE = "done"  # marked, counted in the chain
    EXTRA = "extra"  # marked on a rest day: welcome, not counted
    GRACE = "grace"  # not marked, forgiven (first miss of the week)
    MISSED = "missed"  # not marked, broke the chain
    OPEN = "open"  # not marked, but not a miss (today; a rest day; a day in a week that held)
    REST = "rest"  # not scheduled
    FUTURE = "future"
    BEFORE_START = "before_start"


@dataclass(frozen=True)
class Schedule:
    kind: ScheduleKind
    weekdays: frozenset[int] = frozenset()  # 0 = Monday ... 6 = Sunday (WEEKDAYS only)
    times_per_week: int = 0  # 1..7 (PER_WEEK only)

    def __post_init__(self):
        if self.kind == ScheduleKind.WEEKDAYS and not (
            self.weekdays and self.weekdays <= set(range(7))
        ):
            raise ValueError("a weekday schedule needs at least one day from 0 to 6")
        if self.kind == ScheduleKind.PER_WEEK and not 1 <= self.times_per_week <= 7:
            raise ValueError("times per week must be between 1 and 7")

    def is_scheduled(self, day: date) -> bool:
        """Whether the day itself is due (every day is eligible for N times a week)."""
        if self.kind == ScheduleKind.WEEKDAYS:
            return day.weekday() in self.weekdays
        return True


@dataclass(frozen=True)
class ChainResult:
    current: int
    longest: int
    statuses: dict[date, DayStatus]
    # The days counted in the current chain, oldest first: each at most once.
    current_days: tuple[date, ...] = field(default=())


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def local_day(instant: datetime, tz_name: str) -> date:
    """The patient's calendar day at ``instant`` (an aware datetime)."""
    if instant.tzinfo is None:
        raise ValueError("an aware datetime is needed")
    return instant.astimezone(ZoneInfo(tz_name)).date()


def _days(first: date, last: date) -> Iterable[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def evaluate_chain(
    *, schedule: Schedule, start: date, today: date, done: Iterable[date]
) -> ChainResult:
    """Walk forward from ``start`` to ``today`` once and apply the rules above."""
    marked = {d for d in done if start <= d <= today}
    statuses: dict[date, DayStatus] = {}
    if today < start:
        return ChainResult(0, 0, statuses)
    if schedule.kind == ScheduleKind.PER_WEEK:
        return _per_week(schedule, start, today, marked)

    run: list[date] = []
    longest = 0
    grace_week: date | None = None  # the week whose grace day has been used
    for day in _days(start, today):
        if not schedule.is_scheduled(day):
            statuses[day] = DayStatus.EXTRA if day in marked else DayStatus.REST
            continue
        if day in marked:
            statuses[day] = DayStatus.DONE
            run.append(day)
            longest = max(longest, len(run))
        elif day == today:
            statuses[day] = DayStatus.OPEN
        elif grace_week != week_start(day):
            grace_week = week_start(day)
            statuses[day] = DayStatus.GRACE
        else:
            statuses[day] = DayStatus.MISSED
            run = []
    return ChainResult(len(run), longest, statuses, tuple(run))


def _per_week(schedule: Schedule, start: date, today: date, marked: set[date]) -> ChainResult:
    statuses: dict[date, DayStatus] = {}
    run: list[date] = []
    longest = 0
    monday = week_start(start)
    while monday <= today:
        days = [d for d in _days(monday, monday + timedelta(days=6)) if start <= d <= today]
        week_done = [d for d in days if d in marked]
        finished = monday + timedelta(days=6) < today
        available = len([d for d in _days(monday, monday + timedelta(days=6)) if d >= start])
        needed = min(schedule.times_per_week, available)
        if finished and len(week_done) < needed:
            for d in days:
                statuses[d] = DayStatus.DONE if d in marked else DayStatus.MISSED
            run = []
        else:
            for d in days:
                statuses[d] = DayStatus.DONE if d in marked else DayStatus.OPEN
            run.extend(week_done)
            longest = max(longest, len(run))
        monday += timedelta(days=7)
    # Marked days of a broken week are shown as done but are not in any chain.
    return ChainResult(len(run), longest, statuses, tuple(run))


def scheduled_days(*, schedule: Schedule, start: date, today: date) -> int:
    """How many days from ``start`` to ``today`` the schedule makes due (or eligible)."""
    if today < start:
        return 0
    return sum(1 for d in _days(start, today) if schedule.is_scheduled(d))


def calendar_weeks(
    *, result: ChainResult, first: date, last: date, today: date
) -> list[list[tuple[date, DayStatus]]]:
    """Monday-first weeks covering ``first`` .. ``last`` for the chain view."""
    weeks = []
    monday = week_start(first)
    while monday <= last:
        week = []
        for d in _days(monday, monday + timedelta(days=6)):
            if d > today:
                status = DayStatus.FUTURE
            else:
                status = result.statuses.get(d, DayStatus.BEFORE_START)
            week.append((d, status))
        weeks.append(week)
        monday += timedelta(days=7)
    return weeks
