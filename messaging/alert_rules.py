"""Messaging's alert rule: a patient's message has waited longer than the agreed reply time.

Discovered by the alert engine (``alerts.rules``); run by ``manage.py run_alert_rules``.
"""

from __future__ import annotations

from datetime import datetime

from alerts.models import Alert, AlertKind
from alerts.rules import Candidate
from messaging.selectors import OverdueReply, overdue_replies


def source_for(overdue: OverdueReply) -> str:
    """One source per message and care relationship: in the team thread each member whose
    agreement is breached gets their own alert (the engine knows sources per workspace)."""
    return f"reply-due:{overdue.message_id}:{overdue.membership_id}"


def reply_overdue(*, now: datetime) -> list[Candidate]:
    """A routine alert per care relationship whose agreed reply time has passed. Queries: 2."""
    return [
        Candidate(
            overdue.workspace_id,
            AlertKind.REPLY_OVERDUE,
            Alert.Severity.ROUTINE,
            source_for(overdue),
            overdue.membership_id,
        )
        for overdue in overdue_replies(now=now)
    ]


RULES = [reply_overdue]
