"""Toolbox panels on the clinician's patient overview. The overview has already checked that
the section is shared and logged the read; each panel uses the same selectors as the full
page, so private check-ins and unshared journal entries stay out here too."""

from __future__ import annotations

from care.sections import Section
from clinician_app.panels import Panel, register
from toolbox import selectors, services

T = "clinician_app/toolbox/panel_{}.html"


def _checkins(request, workspace) -> dict:
    trend = selectors.checkin_trend(
        user=request.user,
        workspace=workspace,
        end=services.local_today(workspace.patient),
        days=7,
    )
    latest = selectors.latest_checkin_for_workspaces([workspace.pk]).get(workspace.pk)
    return {"workspace": workspace, "trend": trend, "latest": latest}


def _crisis_plan(request, workspace) -> dict:
    plan = selectors.crisis_plan_for_viewer(user=request.user, workspace=workspace)
    return {"workspace": workspace, "plan": plan}


def _network(request, workspace) -> dict:
    contacts = selectors.network_for_viewer(user=request.user, workspace=workspace)
    return {
        "workspace": workspace,
        "count": len(contacts),
        "more_contact": [c for c in contacts if c.wants_more_contact],
    }


def _journal(request, workspace) -> dict:
    entries = selectors.journal_for_viewer(user=request.user, workspace=workspace)
    return {"workspace": workspace, "count": entries.count(), "latest": entries.first()}


register(Panel(section=Section.CHECKINS, template=T.format("checkins"), context=_checkins))
register(Panel(section=Section.CRISIS_PLAN, template=T.format("crisis_plan"), context=_crisis_plan))
register(Panel(section=Section.NETWORK_MAP, template=T.format("network"), context=_network))
register(Panel(section=Section.JOURNAL, template=T.format("journal"), context=_journal))
