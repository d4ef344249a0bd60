"""When a reminder arrives: the person's time of day in their own time zone, spread over a
window so that a whole service's morning reminders never leave in one burst, and never in the
person's quiet hours. Pure functions of their arguments (tested across daylight-saving
changes)."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def spread_offset(user_id, kind: str, window_seconds: int) -> timedelta:
    """A stable offset in [0, window) for this person and kind: the same minute every day."""
    if window_seconds <= 0:
        return timedelta(0)
    digest = hashlib.sha256(f"{user_id}:{kind}".encode()).digest()
    return timedelta(seconds=int.from_bytes(digest[:8], "big") % window_seconds)


def at_local(day: date, clock: time, zone: ZoneInfo) -> datetime:
    """``day`` at ``clock`` in ``zone``, as UTC. A clock time skipped by a spring-forward change
    comes out as the same distance after the change (02:30 becomes 03:30); a time that happens
    twice in autumn is its first occurrence."""
    return datetime.combine(day, clock, tzinfo=zone).astimezone(UTC)


def in_quiet(moment: datetime, start: time, end: time, zone: ZoneInfo) -> bool:
    clock = moment.astimezone(zone).time()
    if start == end:
        return False
    if start < end:
        return start <= clock < end
    return clock >= start or clock < end


def quiet_end(moment: datetime, start: time, end: time, zone: ZoneInfo) -> datetime:
    """The end of the quiet hours that ``moment`` falls in (UTC)."""
    local = moment.astimezone(zone)
    day = local.date()
    if start > end and local.time() >= start:
        day += timedelta(days=1)
    return at_local(day, end, zone)


def next_time_of_day(now: datetime, clock: time, zone: ZoneInfo, offset: timedelta) -> datetime:
    """The next moment at ``clock`` (plus ``offset``) in ``zone`` that is not before ``now``."""
    today = now.astimezone(zone).date()
    for day in (today - timedelta(days=1), today, today + timedelta(days=1)):
        candidate = at_local(day, clock, zone) + offset
        if candidate >= now:
            return candidate
    return at_local(today + timedelta(days=2), clock, zone) + offset


def arrival(
    *,
    now: datetime,
    zone: ZoneInfo,
    clock: time | None,
    offset: timedelta,
    quiet: tuple[time, time] | None,
) -> datetime:
    """When a reminder asked for at ``now`` arrives: at the next ``clock`` (or at once for a
    reminder without a time of day), moved past the quiet hours if it falls in them (plus the
    person's offset, so the end of the night is spread too)."""
    moment = now if clock is None else next_time_of_day(now, clock, zone, offset)
    if quiet is not None and in_quiet(moment, quiet[0], quiet[1], zone):
        moment = quiet_end(moment, quiet[0], quiet[1], zone) + offset
    return moment
