"""When a scheduled questionnaire falls due. Pure date arithmetic, no database."""

from __future__ import annotations

from datetime import date, timedelta


def occurrences(
    *,
    starts_on: date,
    at_start: bool,
    every_weeks: int | None,
    ends_on: date | None,
    at_end: bool,
    until: date,
) -> list[date]:
    """Every due date up to and including ``until``, in order, without duplicates.

    At the start (``starts_on``), then every ``every_weeks`` weeks after the start while before
    the end, then at the end (``ends_on``) when asked for."""
    dates: set[date] = set()
    if at_start and starts_on <= until:
        dates.add(starts_on)
    if every_weeks:
        step = timedelta(weeks=every_weeks)
        current = starts_on + step
        while current <= until and (ends_on is None or current < ends_on):
            dates.add(current)
            current += step
    if at_end and ends_on is not None and ends_on <= until:
        dates.add(ends_on)
    return sorted(dates)


def current_occurrence(schedule, *, today: date) -> date | None:
    """The latest due date of a schedule that is not in the future, or None."""
    found = occurrences(
        starts_on=schedule.starts_on,
        at_start=schedule.at_start,
        every_weeks=schedule.every_weeks,
        ends_on=schedule.ends_on,
        at_end=schedule.at_end,
        until=today,
    )
    return found[-1] if found else None
