"""The task engine: each schedule fires once per slot however many schedulers run, and each
job, run twice, does its work once."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from jobs import scheduler
from jobs.models import ScheduleFiring
from jobs.schedules import schedules
from messaging import services as messaging_services
from messaging.models import PendingNotice
from tests.concurrency import in_memory_sqlite, run_at_once

NOON = datetime(2027, 3, 1, 12, 0, 0, tzinfo=UTC)


def _expected_tasks() -> int:
    return sum(schedule.lane_count for schedule in schedules())


def _run_worker():
    call_command(
        "db_worker",
        batch=True,
        reload=False,
        startup_delay=False,
        interval=0,
        queue_name="*",
        verbosity=0,
    )


def test_every_periodic_job_is_declared():
    names = {schedule.name for schedule in schedules()}
    assert {
        "alerts.tasks.safety_rules",
        "messaging.tasks.message_notifications",
        "measures.tasks.plan_questionnaire_reminders",
        "reminders.tasks.plan",
        "reminders.tasks.send_due",
        "jobs.tasks.prune",
        "jobs.tasks.prune_idempotency_keys",
        "messaging.tasks.live_sockets_prune",
    } <= names


def test_slots_are_the_clock_divided_by_the_interval():
    assert scheduler.slot_start(NOON + timedelta(seconds=299), 300) == NOON
    assert scheduler.slot_start(NOON + timedelta(seconds=300), 300) == NOON + timedelta(minutes=5)


@pytest.mark.django_db
def test_a_slot_fires_once_however_often_the_scheduler_ticks(settings):
    settings.REMINDER_SEND_LANES = 2
    first = scheduler.tick(NOON)
    assert sorted(first) == sorted(schedule.name for schedule in schedules())
    again = scheduler.tick(NOON + timedelta(seconds=1))
    assert again == []
    # Two lanes of the sender: two copies enqueued for its one firing.
    sends = DBTaskResult.objects.filter(task_path="reminders.tasks.send_due").count()
    assert sends == 2 * ScheduleFiring.objects.filter(schedule="reminders.tasks.send_due").count()


@pytest.mark.django_db
def test_the_next_slot_fires_again():
    scheduler.tick(NOON)
    fired = scheduler.tick(NOON + timedelta(seconds=60))
    assert "messaging.tasks.message_notifications" in fired
    assert "alerts.tasks.safety_rules" not in fired  # every 300 s


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_schedulers_at_once_fire_each_schedule_once():
    if in_memory_sqlite():
        pytest.skip("in-memory SQLite cannot wait for locks; run with DATABASE_URL=postgres://")
    run_at_once([lambda: scheduler.tick(NOON) for _ in range(4)], timeout=60)
    assert ScheduleFiring.objects.count() == len(schedules())
    assert DBTaskResult.objects.count() == _expected_tasks()


@pytest.mark.django_db
def test_the_scheduler_command_ticks_once():
    call_command("scheduler", once=True)
    call_command("scheduler", once=True)
    assert ScheduleFiring.objects.count() == len(schedules())
    assert DBTaskResult.objects.count() == _expected_tasks()


# The worker closes connections between jobs as a request does, so these tests commit.
@pytest.mark.django_db(transaction=True)
def test_a_job_enqueued_twice_does_its_work_once(
    workspace, patient, gp, gp_membership, settings, mailoutbox
):
    settings.MESSAGE_NOTIFY_DELAY_SECONDS = 0
    settings.MESSAGE_NOTIFY_MAX_WAIT_SECONDS = 0
    thread = messaging_services.team_thread_for(workspace=workspace)
    messaging_services.message_send(
        thread=thread, sender=patient, body="Hello", client_id=uuid.uuid4()
    )
    assert PendingNotice.objects.count() == 1
    from messaging.tasks import message_notifications

    message_notifications.enqueue()
    message_notifications.enqueue()
    _run_worker()
    results = DBTaskResult.objects.filter(task_path="messaging.tasks.message_notifications")
    assert [r.status for r in results] == ["SUCCESSFUL", "SUCCESSFUL"]
    assert [m.to for m in mail.outbox] == [[gp.email]]


@pytest.mark.django_db(transaction=True)
def test_the_safety_rules_run_twice_raise_each_alert_once(workspace, patient, gp, gp_membership):
    from alerts.models import Alert
    from alerts.tasks import safety_rules

    safety_rules.enqueue()
    _run_worker()
    first = Alert.objects.count()
    safety_rules.enqueue()
    _run_worker()
    assert Alert.objects.count() == first
    assert set(
        DBTaskResult.objects.filter(task_path="alerts.tasks.safety_rules").values_list(
            "status", flat=True
        )
    ) == {"SUCCESSFUL"}
