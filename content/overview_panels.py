"""Clinician overview panels for "progress" and "journal" (exercise answers).

The overview page has already authorized the clinician for the section and written the access
log entry before a panel's context is built."""

from __future__ import annotations

from care.sections import Section
from clinician_app.panels import Panel, register
from content import selectors


def progress_context(request, workspace) -> dict:
    rows = []
    for enrolment in selectors.enrolments_for_workspace(workspace):
        rows.append(selectors.programme_progress(enrolment.programme, enrolment))
    return {"programmes": rows, "workspace": workspace}


def journal_context(request, workspace) -> dict:
    answers = list(selectors.answers_for_workspace(workspace, submitted_only=True)[:3])
    count = selectors.answers_for_workspace(workspace, submitted_only=True).count()
    return {"answers": answers, "count": count, "workspace": workspace}


register(
    Panel(
        section=Section.PROGRESS,
        template="content/panel_progress.html",
        context=progress_context,
    )
)
register(
    Panel(section=Section.JOURNAL, template="content/panel_journal.html", context=journal_context)
)
