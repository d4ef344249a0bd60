"""A printable one-page summary of a patient's progress for the medical record (GP letter).

Only what the patient shares with the reader appears; every other section says "not shared".
The patient's last activity is part of their progress: shown (and logged as a progress read)
only when progress is shared.
The read is written to the access log, one entry per section shown, like the overview. The
page prints on one A4 sheet (``clinician_app/summary.css``: print stylesheet, no navigation).
The number of queries does not grow with the amount of data (tests/…/test_summary.py).
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, Max, Q
from django.shortcuts import render
from django.utils import timezone

from alerts import selectors as alert_selectors
from care import policies
from care.sections import Section
from clinician_app.decorators import clinician_required
from content import selectors as content_selectors
from goals import selectors as goal_selectors
from guidance import selectors as guidance_selectors
from measures import selectors as measure_selectors
from messaging import selectors as message_selectors
from messaging.models import Message

# The outcome measures a GP letter reports, in this order.
SUMMARY_INSTRUMENTS = ("phq9", "gad7", "phq15", "who5")
ENGAGEMENT_DAYS = 30


def _progress(workspace) -> list:
    rows = []
    for enrolment in content_selectors.enrolments_for_workspace(workspace):
        progress = content_selectors.programme_progress(enrolment.programme, enrolment)
        progress.modules_done = sum(1 for m in progress.modules if m.state == "done")
        rows.append(progress)
    return rows


def _ladders(workspace) -> list:
    ladders = goal_selectors.ladders_for_workspace(workspace=workspace)
    for ladder in ladders:
        steps = list(ladder.steps.all())
        ladder.step_count = len(steps)
        ladder.done_count = sum(1 for s in steps if s.state == s.State.DONE)
        ladder.next_step = next((s for s in steps if s.state != s.State.DONE), None)
    return ladders


def _scores(workspace) -> list:
    scores = measure_selectors.latest_scores_for_workspaces([workspace.pk]).get(workspace.pk, {})
    ordered = [scores[code] for code in SUMMARY_INSTRUMENTS if code in scores]
    return ordered + [s for code, s in sorted(scores.items()) if code not in SUMMARY_INSTRUMENTS]


def _messages(user, workspace) -> dict:
    since = timezone.now() - timedelta(days=ENGAGEMENT_DAYS)
    threads = message_selectors.threads_for_user(user).filter(workspace=workspace)
    return Message.objects.filter(thread__in=threads, removed_at__isnull=True).aggregate(
        recent=Count("id", filter=Q(created_at__gte=since)),
        from_patient=Count("id", filter=Q(created_at__gte=since, sender=workspace.patient_id)),
        last_from_patient=Max("created_at", filter=Q(sender=workspace.patient_id)),
    )


@clinician_required
def patient_summary(request, workspace_id):
    shown = [Section.PROGRESS, Section.MEASURES, Section.GOALS, Section.HABITS]
    workspace, shared = policies.workspace_read_sections(
        user=request.user,
        workspace_id=workspace_id,
        labels=["summary", "alerts", "messages", "guidance"],
        sections=shown,
        via="web",
    )
    membership = policies.active_membership(request.user, workspace)
    context = {
        "workspace": workspace,
        "patient": workspace.patient,
        "shared": {s.value: s in shared for s in shown},
        "sections": {s.value: s.label for s in shown},
        "generated_at": timezone.now(),
        "by": request.user,
        "engagement_days": ENGAGEMENT_DAYS,
        "message_counts": _messages(request.user, workspace),
        "alerts": [
            a
            for a in alert_selectors.alerts_for_workspace(user=request.user, workspace=workspace)
            if a.is_unresolved
        ],
        "cadence": alert_selectors.cadences_for_memberships([membership.pk])[membership.pk]
        if membership
        else None,
        "guidance": guidance_selectors.totals_for_workspace(
            workspace=workspace, clinician=request.user
        ),
        "since": workspace.created_at,
    }
    if Section.PROGRESS in shared:
        context["programmes"] = _progress(workspace)
    if Section.MEASURES in shared:
        context["scores"] = _scores(workspace)
    if Section.GOALS in shared:
        context["ladders"] = _ladders(workspace)
    if Section.HABITS in shared:
        context["habits"] = goal_selectors.habit_views(workspace=workspace)
    return render(request, "clinician_app/summary.html", context)
