"""A person's reminder choices, with the defaults for what they have not chosen."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from reminders.models import TIMED_KINDS, Channel, Kind, QuietHours, Setting


@dataclass(frozen=True)
class Choice:
    kind: str
    enabled: bool
    time_of_day: time | None
    channel: str

    @property
    def timed(self) -> bool:
        return self.kind in TIMED_KINDS


# On unless turned off: a questionnaire that is due, a message, a suggestion (as before there
# were choices). The habit and the check-in are offered, not imposed.
DEFAULTS = {
    Kind.QUESTIONNAIRE: Choice(Kind.QUESTIONNAIRE, True, time(9, 0), Channel.EMAIL),
    Kind.HABIT: Choice(Kind.HABIT, False, time(19, 0), Channel.EMAIL),
    Kind.CHECKIN: Choice(Kind.CHECKIN, False, time(20, 0), Channel.EMAIL),
    Kind.MESSAGE: Choice(Kind.MESSAGE, True, None, Channel.EMAIL),
    Kind.SUGGESTION: Choice(Kind.SUGGESTION, True, None, Channel.EMAIL),
}


def choice_from(user, kind: str, row: Setting | None) -> Choice:
    default = DEFAULTS[kind]
    if row is None:
        choice = default
    else:
        clock = row.time_of_day or default.time_of_day if kind in TIMED_KINDS else None
        choice = Choice(kind, row.enabled, clock, row.channel)
    if kind == Kind.MESSAGE:
        # The account's long-standing "e-mail me when a new message arrives" is the on/off.
        choice = Choice(kind, bool(user.message_notifications), None, choice.channel)
    return choice


def choices_for(user) -> dict[str, Choice]:
    rows = {row.kind: row for row in Setting.objects.filter(user=user)}
    return {kind: choice_from(user, kind, rows.get(kind)) for kind in Kind.values}


def zone_of(user) -> ZoneInfo:
    try:
        return ZoneInfo(user.timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def quiet_of(row: QuietHours | None) -> tuple[time, time] | None:
    if row is None or row.start == row.end:
        return None
    return (row.start, row.end)
