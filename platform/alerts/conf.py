"""Alert engine settings, each overridable from Django settings (``ALERTS_<NAME>``).

Kept here rather than in ``config/settings.py`` so the engine's defaults live beside the code
that uses them; production sets them through settings only if the defaults do not suit.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings

DEFAULT_INACTIVITY_DAYS = 7
DEFAULT_REVIEW_INTERVAL_DAYS = 14


def escalate_to_team_after() -> timedelta:
    """An urgent alert the lead has not acknowledged goes to the rest of the care team after
    this (from when it opened). Default 60 minutes."""
    return getattr(settings, "ALERTS_ESCALATE_TO_TEAM_AFTER", timedelta(minutes=60))


def escalate_to_duty_after() -> timedelta:
    """... and, this long after that, to the organisation's duty contact. Default 60 minutes."""
    return getattr(settings, "ALERTS_ESCALATE_TO_DUTY_AFTER", timedelta(minutes=60))


def site_url() -> str:
    """Where the e-mails point people to sign in (no path, no ids); empty: no link."""
    return getattr(settings, "ALERTS_SITE_URL", "")
