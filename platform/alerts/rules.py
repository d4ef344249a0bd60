"""The periodic side of the alert engine: small, pluggable rules.

A rule is a function ``rule(*, now) -> Iterable[Candidate]`` that reads in bulk (a constant
number of queries, whatever the number of patients) and proposes alerts. Any project app
contributes rules by listing them in ``<app>/alert_rules.py`` as ``RULES = [...]``. The engine
skips candidates whose source is already known (one query), raises the rest through
``alerts.services.alert_raise`` (idempotent per source) and then escalates what is due, so the
job is safe to run every few minutes and by several schedulers at once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone

from alerts import services
from alerts.models import AlertTrigger
from care.models import CareTeamMembership, Workspace
from config.discovery import app_modules

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Candidate:
    workspace_id: UUID
    kind: str
    severity: str
    source_id: str
    membership_id: UUID | None = None


Rule = Callable[..., Iterable[Candidate]]


def rules() -> list[Rule]:
    found: list[Rule] = []
    for _app, module in app_modules("alert_rules"):
        found.extend(getattr(module, "RULES", []))
    return found


@dataclass
class RunReport:
    proposed: int = 0
    raised: int = 0
    repeated: int = 0
    escalated: int = 0
    failed: list[str] = field(default_factory=list)


def _known(candidates: list[Candidate]) -> set[tuple]:
    known: set[tuple] = set()
    sources = sorted({c.source_id for c in candidates})
    for start in range(0, len(sources), 500):
        known |= set(
            AlertTrigger.objects.filter(source_id__in=sources[start : start + 500]).values_list(
                "workspace_id", "kind", "source_id"
            )
        )
    return known


def run_rules(*, now: datetime | None = None, only: Iterable[Rule] | None = None) -> RunReport:
    """Run every rule (or ``only`` these), raise what is new, escalate what is due."""
    now = now or timezone.now()
    report = RunReport()
    candidates: list[Candidate] = []
    for rule in only if only is not None else rules():
        candidates.extend(rule(now=now))
    report.proposed = len(candidates)
    known = _known(candidates)
    fresh = [c for c in candidates if (c.workspace_id, c.kind, c.source_id) not in known]
    workspaces = Workspace.objects.in_bulk({c.workspace_id for c in fresh})
    memberships = CareTeamMembership.objects.in_bulk(
        {c.membership_id for c in fresh if c.membership_id}
    )
    for candidate in fresh:
        workspace = workspaces.get(candidate.workspace_id)
        if workspace is None:
            continue
        try:
            _alert, created = services.alert_raise(
                workspace=workspace,
                kind=candidate.kind,
                severity=candidate.severity,
                source_id=candidate.source_id,
                membership=memberships.get(candidate.membership_id),
            )
        except ValidationError:
            logger.warning("alert rule proposed an invalid alert of kind %s", candidate.kind)
            report.failed.append(candidate.kind)
            continue
        except IntegrityError:
            # Raised at the same moment by another process: the database kept one.
            logger.info("alert of kind %s raised concurrently elsewhere", candidate.kind)
            report.repeated += 1
            continue
        if created:
            report.raised += 1
        else:
            report.repeated += 1
    report.escalated = services.alerts_escalate_due(now=now)
    return report
