"""The habit reminder (only on a day a habit is scheduled and not yet marked) and the
suggestion reminder (a care-team proposal for a goal or the crisis plan, at most one a day)."""

from __future__ import annotations

from datetime import timedelta

from django.apps import apps

from goals.models import Habit, HabitCheck
from reminders.kinds import KindSpec
from reminders.models import Kind
from reminders.preferences import zone_of


def _habit_due(deliveries, now) -> set:
    local_days = {d.user_id: now.astimezone(zone_of(d.user)).date() for d in deliveries}
    habits = list(
        Habit.objects.filter(
            workspace__patient_id__in=list(local_days), archived_at__isnull=True
        ).values_list("pk", "workspace__patient_id", "schedule_kind", "weekday_mask", "start_date")
    )
    marked = set(
        HabitCheck.objects.filter(
            habit_id__in=[h[0] for h in habits], day__in=set(local_days.values())
        ).values_list("habit_id", "day")
    )
    waiting: set = set()
    for pk, user_id, kind, mask, start in habits:
        day = local_days[user_id]
        if day < start or (pk, day) in marked:
            continue
        if kind == "weekdays" and not mask & (1 << day.weekday()):
            continue
        waiting.add(user_id)
    return {d.pk for d in deliveries if d.user_id in waiting}


def _open_suggestions():
    proposal = apps.get_model("goals", "Proposal")
    crisis = apps.get_model("toolbox", "CrisisPlanSuggestion")
    return (
        proposal.objects.filter(status="open"),
        crisis.objects.filter(status="pending"),
    )


def _suggestions_pending(now):
    """One reminder a day at most: the subject is the day of the newest open suggestion."""
    since = now - timedelta(days=1)
    for rows in _open_suggestions():
        for user_id, created in rows.filter(created_at__gte=since).values_list(
            "workspace__patient_id", "created_at"
        ):
            yield user_id, f"day:{created.date().isoformat()}"


def _suggestion_due(deliveries, now) -> set:
    waiting: set = set()
    for rows in _open_suggestions():
        waiting |= set(
            rows.filter(workspace__patient_id__in=[d.user_id for d in deliveries]).values_list(
                "workspace__patient_id", flat=True
            )
        )
    return {d.pk for d in deliveries if d.user_id in waiting}


KINDS = [
    KindSpec(kind=Kind.HABIT, target="patient:habit_list", still_due=_habit_due),
    KindSpec(
        kind=Kind.SUGGESTION,
        target="patient:goal_list",
        pending=_suggestions_pending,
        still_due=_suggestion_due,
    ),
]
