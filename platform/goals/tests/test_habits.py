"""Habits: schedules, marking today and yesterday only, time zones, step to habit, summary."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from goals import selectors, services
from goals.models import Habit, HabitCheck
from tests.factories import PatientFactory, workspace_for

pytestmark = pytest.mark.django_db

# 2026-03-29 is the spring-forward day in Copenhagen (02:00 -> 03:00).
NOON = datetime(2026, 3, 25, 11, 0, tzinfo=UTC)


def make(workspace, patient, now=NOON, **kw):
    return services.habit_create(
        workspace=workspace, by=patient, name=kw.pop("name", "Stretch"), now=now, **kw
    )


def test_mark_today_and_yesterday_but_not_earlier_or_later(workspace, patient):
    habit = make(workspace, patient)
    today = date(2026, 3, 25)
    assert services.habit_check_set(habit=habit, by=patient, day=today, now=NOON)
    assert not services.habit_check_set(habit=habit, by=patient, day=today, now=NOON)  # idempotent
    assert services.habit_check_set(
        habit=habit, by=patient, day=today - timedelta(days=1), now=NOON
    )
    for bad in (today - timedelta(days=2), today + timedelta(days=1), "2026-13-01", "soon", 5):
        with pytest.raises(ValidationError) as error:
            services.habit_check_set(habit=habit, by=patient, day=bad, now=NOON)
        assert "day" in error.value.message_dict
    assert HabitCheck.objects.filter(habit=habit).count() == 2
    habit.refresh_from_db()
    assert habit.start_date == today - timedelta(days=1)  # marking yesterday moved the start
    view = selectors.habit_view(habit=habit, now=NOON)
    assert (view.chain.current, view.done_today, view.done_yesterday) == (2, True, True)
    assert services.habit_check_set(habit=habit, by=patient, day=today, done=False, now=NOON)
    assert selectors.habit_view(habit=habit, now=NOON).chain.current == 1


def test_today_is_the_patients_local_day(workspace, patient):
    patient.timezone = "Europe/Copenhagen"
    patient.save(update_fields=["timezone"])
    late = datetime(2026, 3, 29, 22, 30, tzinfo=UTC)  # 00:30 on 30 March in Copenhagen
    habit = make(workspace, patient, now=late)
    assert habit.start_date == date(2026, 3, 30)
    services.habit_check_set(habit=habit, by=patient, day=date(2026, 3, 29), now=late)
    with pytest.raises(ValidationError):  # two local days back, though one UTC day back
        services.habit_check_set(habit=habit, by=patient, day=date(2026, 3, 28), now=late)


def test_a_week_of_evening_marks_across_the_dst_switch(workspace, patient):
    """Each evening at 21:30 local time, mark today; the 23-hour day counts once."""
    patient.timezone = "Europe/Copenhagen"
    patient.save(update_fields=["timezone"])
    first = datetime(2026, 3, 26, 20, 30, tzinfo=UTC)  # 21:30 CET
    habit = make(workspace, patient, now=first)
    for i in range(7):
        local = date(2026, 3, 26) + timedelta(days=i)
        offset = 1 if local < date(2026, 3, 29) else 2
        moment = datetime(local.year, local.month, local.day, 21 - offset, 30, tzinfo=UTC)
        services.habit_check_set(habit=habit, by=patient, day=local, now=moment)
    end = datetime(2026, 4, 1, 19, 45, tzinfo=UTC)
    view = selectors.habit_view(habit=habit, now=end)
    assert view.chain.current == view.chain.longest == 7


def test_schedules_are_validated(workspace, patient):
    cases = [
        ({"schedule_kind": "hourly"}, "schedule_kind"),
        ({"schedule_kind": "weekdays", "weekdays": []}, "weekdays"),
        ({"schedule_kind": "weekdays", "weekdays": [7]}, "weekdays"),
        ({"schedule_kind": "weekdays", "weekdays": ["mon"]}, "weekdays"),
        ({"schedule_kind": "per_week", "times_per_week": 0}, "times_per_week"),
        ({"schedule_kind": "per_week", "times_per_week": 8}, "times_per_week"),
        ({"schedule_kind": "per_week", "times_per_week": "lots"}, "times_per_week"),
        ({"name": ""}, "name"),
    ]
    for data, field in cases:
        with pytest.raises(ValidationError) as error:
            make(workspace, patient, **data)
        assert field in error.value.message_dict
    assert not Habit.objects.exists()
    habit = make(workspace, patient, schedule_kind="weekdays", weekdays=[0, 2, 4])
    assert habit.weekdays == frozenset({0, 2, 4})
    habit = make(workspace, patient, schedule_kind="per_week", times_per_week=3)
    assert habit.times_per_week == 3


def test_a_step_becomes_a_habit(ladder, steps, patient):
    habit = services.step_to_habit(
        step=steps[1], by=patient, schedule_kind="weekdays", weekdays=[1, 3]
    )
    assert (habit.name, habit.source_step) == ("Step 1", steps[1])
    assert ladder.changes.filter(action="step.made_habit", step=steps[1]).exists()


def test_only_the_patient_marks_days(workspace, patient, gp, gp_membership):
    habit = make(workspace, patient)
    with pytest.raises(PermissionDenied):
        services.habit_check_set(habit=habit, by=gp, day=date(2026, 3, 25), now=NOON)
    with pytest.raises(PermissionDenied):
        make(workspace, gp)
    assert not HabitCheck.objects.exists()


def _fill(n):
    workspaces = []
    for _ in range(n):
        patient = PatientFactory()
        workspace = workspace_for(patient)
        for name in ("Walk", "Read"):
            habit = make(workspace, patient, name=name)
            services.habit_check_set(habit=habit, by=patient, day=date(2026, 3, 25), now=NOON)
        workspaces.append(workspace.pk)
    return workspaces


def test_habit_summary_for_workspaces_is_constant_in_queries():
    small = _fill(2)
    with CaptureQueriesContext(connection) as two:
        summary = selectors.habit_summary_for_workspaces(small, now=NOON)
    assert all(
        s.current_streak == 1 and s.last_check == date(2026, 3, 25) for s in summary.values()
    )
    large = small + _fill(48)
    with CaptureQueriesContext(connection) as fifty:
        summary = selectors.habit_summary_for_workspaces(large, now=NOON)
    assert len(summary) == 50
    assert len(two) == len(fifty) == 2  # habits (with their time zones), check days


def test_summary_of_a_workspace_without_habits(workspace):
    summary = selectors.habit_summary_for_workspaces([workspace.pk], now=NOON)
    assert summary[workspace.pk].current_streak == 0
    assert summary[workspace.pk].last_check is None
    assert selectors.habit_summary_for_workspaces([]) == {}
