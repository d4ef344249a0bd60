"""How guidance time is counted where the platform cannot measure it (docs/guidance-time.md)."""

from __future__ import annotations

from datetime import timedelta

# A measured duration (a form carried the moment it was opened) is clamped to this range: a
# form left open over lunch does not count as an hour of care, and nothing counts as 0.
MEASURED_MIN = timedelta(minutes=1)
MEASURED_MAX = timedelta(minutes=30)

# Minutes counted when nothing was measured (a live-socket message, an API call).
DEFAULT_MINUTES = {
    "review": 10,
    "message": 2,
    "feedback": 5,
    "goal_setting": 5,
    "alert_handling": 5,
    "other": 5,
}

# Automatic entries of these kinds that follow the previous one of the same clinician, patient
# and kind within this window are one stretch of work: they extend that entry instead of adding
# a new one (three quick messages are one conversation, not three times two minutes).
FOLD_KINDS = frozenset({"message"})
FOLD_WINDOW = timedelta(minutes=10)

# A manual entry (a phone call, a meeting) may be at most this long.
MANUAL_MAX_MINUTES = 480
