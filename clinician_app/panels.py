"""The panels of the clinician's patient overview, one per shared section, composed here from
the domains' selectors (a domain never registers itself into this face).

The overview view has already authorized each section and logged the read before a panel's
context is built (``care.policies.workspace_read_sections``). Each panel uses the same
selectors as the section's full page, so private check-ins and unshared journal entries stay
out here too. Sections without a panel show a neutral "nothing recorded yet" card.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from care.sections import Section
from content import selectors as content_selectors
from goals import selectors as goals_selectors
from measures import selectors as measures_selectors
from toolbox import selectors as toolbox_selectors
from toolbox import services as toolbox_services


@dataclass(frozen=True)
class Panel:
    section: Section
    template: str
    context: Callable  # (request, workspace) -> dict


def _progress(request, workspace) -> dict:
    rows = [
        content_selectors.programme_progress(enrolment.programme, enrolment)
        for enrolment in content_selectors.enrolments_for_workspace(workspace)
    ]
    return {"programmes": rows, "workspace": workspace}


def _goals(request, workspace) -> dict:
    ladders = goals_selectors.ladders_for_workspace(workspace=workspace)
    waiting = [p for ladder in ladders for p in ladder.open_proposals]
    new_goals = goals_selectors.proposals_for_workspace(workspace=workspace, open_only=True).filter(
        ladder__isnull=True
    )
    for proposal in waiting:  # the ladder is already loaded: no query per proposal
        proposal.ladder = next(ladder for ladder in ladders if ladder.pk == proposal.ladder_id)
    return {"workspace": workspace, "ladders": ladders, "proposals": [*new_goals, *waiting]}


def _habits(request, workspace) -> dict:
    return {"workspace": workspace, "habits": goals_selectors.habit_views(workspace=workspace)}


def _checkins(request, workspace) -> dict:
    trend = toolbox_selectors.checkin_trend(
        user=request.user,
        workspace=workspace,
        end=toolbox_services.local_today(workspace.patient),
        days=7,
    )
    latest = toolbox_selectors.latest_checkin_for_workspaces([workspace.pk]).get(workspace.pk)
    return {"workspace": workspace, "trend": trend, "latest": latest}


def _measures(request, workspace) -> dict:
    scores = measures_selectors.latest_scores_for_workspaces([workspace.pk]).get(workspace.pk, {})
    return {
        "workspace": workspace,
        "scores": list(scores.values()),
        "risks": measures_selectors.open_risk_events_for_workspaces([workspace.pk]),
    }


def _crisis_plan(request, workspace) -> dict:
    plan = toolbox_selectors.crisis_plan_for_viewer(user=request.user, workspace=workspace)
    return {"workspace": workspace, "plan": plan}


def _network(request, workspace) -> dict:
    contacts = toolbox_selectors.network_for_viewer(user=request.user, workspace=workspace)
    return {
        "workspace": workspace,
        "count": len(contacts),
        "more_contact": [c for c in contacts if c.wants_more_contact],
    }


def _journal(request, workspace) -> dict:
    """The section covers the patient's journal entries marked shared and their submitted
    exercise answers: both, side by side."""
    entries = toolbox_selectors.journal_for_viewer(user=request.user, workspace=workspace)
    answers = content_selectors.answers_for_workspace(workspace, submitted_only=True)
    return {
        "entries": {"workspace": workspace, "count": entries.count(), "latest": entries.first()},
        "answers": {"workspace": workspace, "count": answers.count(), "answers": answers[:3]},
    }


def _panel(section: Section, context: Callable) -> Panel:
    return Panel(section, f"clinician_app/panels/{section.value}.html", context)


PANELS: dict[Section, Panel] = {
    panel.section: panel
    for panel in (
        _panel(Section.PROGRESS, _progress),
        _panel(Section.GOALS, _goals),
        _panel(Section.HABITS, _habits),
        _panel(Section.CHECKINS, _checkins),
        _panel(Section.MEASURES, _measures),
        _panel(Section.CRISIS_PLAN, _crisis_plan),
        _panel(Section.NETWORK_MAP, _network),
        _panel(Section.JOURNAL, _journal),
    )
}


def panel_for(section: Section) -> Panel | None:
    return PANELS.get(section)
