"""Reminders the person chooses: planned once, sent once by their channel, content-free,
logged for them; web push through a local push service double; quiet hours honoured."""

from __future__ import annotations

import json
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from goals import services as goal_services
from reminders import services
from reminders.models import Delivery, Kind, PushSubscription, QuietHours, Setting
from tests.concurrency import in_memory_sqlite, run_at_once
from tests.factories import PatientFactory

CPH = ZoneInfo("Europe/Copenhagen")
# A winter morning in Copenhagen (UTC+1): 10:00 local.
MORNING = datetime(2027, 1, 12, 9, 0, tzinfo=UTC)
HEALTH_WORDS = ("habit", "questionnaire", "check-in", "phq", "mood", "pain", "walk", "message")


def _habit_reminder(user, *, at=time(19, 0), channel="email"):
    Setting.objects.create(
        user=user, kind=Kind.HABIT, enabled=True, time_of_day=at, channel=channel
    )


@pytest.fixture
def habit(workspace, patient):
    return goal_services.habit_create(
        workspace=workspace, by=patient, name="Walk to the shop", now=MORNING - timedelta(days=3)
    )


@pytest.fixture
def subscription(patient, push_service, browser_keys):
    return PushSubscription.objects.create(
        user=patient,
        endpoint=f"{push_service.url}/push/abc123",
        p256dh=browser_keys.p256dh,
        auth=services_b64(browser_keys.auth),
        session_digest="s" * 64,
    )


def services_b64(raw: bytes) -> str:
    from reminders.tests.conftest import b64

    return b64(raw)


def test_a_daily_reminder_is_planned_once_at_the_persons_time_and_sent_once(
    patient, workspace, habit
):
    _habit_reminder(patient)
    services.plan(MORNING)
    services.plan(MORNING + timedelta(minutes=5))
    delivery = Delivery.objects.get(user=patient)
    local = delivery.scheduled_for.astimezone(CPH)
    assert local.date().isoformat() == "2027-01-12" and delivery.key == "day:2027-01-12"
    assert time(19, 0) <= local.time() < time(19, 30)
    assert services.send_due(delivery.scheduled_for - timedelta(seconds=1)).claimed == 0
    at = delivery.scheduled_for + timedelta(seconds=1)
    assert services.send_due(at).sent == 1
    assert services.send_due(at).claimed == 0
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "You have something new in Guided Care"
    for word in ("walk", "shop", "habit", patient.full_name.lower()):
        assert word not in (message.subject + message.body).lower()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.channel) == (Delivery.Status.SENT, "email")
    # The next day's is planned after today's went.
    services.plan(at + timedelta(minutes=1))
    assert Delivery.objects.filter(user=patient, key="day:2027-01-13").exists()


def test_a_habit_already_marked_today_is_not_reminded(patient, workspace, habit):
    _habit_reminder(patient)
    services.plan(MORNING)
    goal_services.habit_check_set(habit=habit, by=patient, day="2027-01-12", now=MORNING)
    delivery = Delivery.objects.get(user=patient)
    services.send_due(delivery.scheduled_for + timedelta(seconds=1))
    delivery.refresh_from_db()
    assert (delivery.status, delivery.reason) == ("skipped", "done")
    assert mail.outbox == []


def test_nothing_is_planned_for_a_reminder_not_chosen(patient, workspace, habit):
    services.plan(MORNING)  # the habit reminder is offered, not on by default
    assert not Delivery.objects.exists()


def test_turning_a_reminder_off_skips_what_was_planned(patient, workspace, habit):
    _habit_reminder(patient)
    services.plan(MORNING)
    delivery = Delivery.objects.get()
    Setting.objects.filter(user=patient).update(enabled=False)
    services.send_due(delivery.scheduled_for + timedelta(seconds=1))
    delivery.refresh_from_db()
    assert (delivery.status, delivery.reason) == ("skipped", "off")


def test_quiet_hours_hold_a_new_message_until_morning(patient, workspace):
    QuietHours.objects.create(user=patient, start=time(22), end=time(7))
    late = datetime(2027, 1, 12, 22, 30, tzinfo=UTC)  # 23:30 in Copenhagen
    delivery = services.deliver_now(
        patient, Kind.MESSAGE, key=f"since:{late.isoformat()}", now=late
    )
    assert delivery.status == Delivery.Status.SCHEDULED and mail.outbox == []
    local = delivery.scheduled_for.astimezone(CPH)
    assert local.date().isoformat() == "2027-01-13" and time(7) <= local.time() < time(7, 30)
    # Asked again (the next batch): still one.
    assert (
        services.deliver_now(patient, Kind.MESSAGE, key=f"since:{late.isoformat()}", now=late)
        is None
    )


def test_a_message_outside_quiet_hours_is_sent_at_once(patient, workspace):
    delivery = services.deliver_now(patient, Kind.MESSAGE, key="since:x", now=MORNING)
    assert delivery.status == Delivery.Status.SENT and len(mail.outbox) == 1
    assert mail.outbox[0].subject == "You have a new message"


def test_push_carries_no_health_data_and_goes_to_each_device(
    patient, workspace, habit, subscription, push_service, browser_keys
):
    _habit_reminder(patient, channel="push")
    services.plan(MORNING)
    delivery = Delivery.objects.get()
    run = services.send_due(delivery.scheduled_for + timedelta(seconds=1))
    assert (run.sent, run.pushed, run.emailed) == (1, 1, 0)
    assert mail.outbox == []
    [request] = push_service.received
    assert request["path"] == "/push/abc123"
    assert request["headers"]["content-encoding"] == "aes128gcm"
    assert request["headers"]["authorization"].startswith("vapid t=")
    payload = json.loads(browser_keys.decrypt(request["body"]))
    assert set(payload) == {"title", "body", "url"}
    assert payload["body"] == "You have something new in Guided Care"
    text = json.dumps(payload).lower()
    for word in (*HEALTH_WORDS, patient.full_name.lower(), patient.email.lower(), "shop"):
        assert word not in text
    assert payload["url"].startswith("/me/reminders/open/")
    delivery.refresh_from_db()
    assert (delivery.status, delivery.channel, delivery.fallback) == ("sent", "push", False)


def test_an_expired_subscription_is_ended_and_the_reminder_comes_by_email(
    patient, workspace, habit, subscription, push_service
):
    push_service.status = 410
    _habit_reminder(patient, channel="push")
    services.plan(MORNING)
    delivery = Delivery.objects.get()
    services.send_due(delivery.scheduled_for + timedelta(seconds=1))
    subscription.refresh_from_db()
    assert subscription.revoked_at is not None and subscription.revoked_reason == "expired"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.channel, delivery.fallback) == ("sent", "email", True)
    assert len(mail.outbox) == 1


def test_a_push_service_that_does_not_answer_falls_back_to_email(
    patient, workspace, habit, subscription, push_service
):
    push_service.status = 500
    _habit_reminder(patient, channel="push")
    services.plan(MORNING)
    delivery = Delivery.objects.get()
    services.send_due(delivery.scheduled_for + timedelta(seconds=1))
    subscription.refresh_from_db()
    assert subscription.revoked_at is None  # a bad moment is not an expiry
    delivery.refresh_from_db()
    assert (delivery.channel, delivery.fallback) == ("email", True)


def test_a_reminder_with_no_way_to_reach_the_person_is_logged_as_failed(patient, workspace, habit):
    type(patient).objects.filter(pk=patient.pk).update(email="")
    _habit_reminder(patient)
    services.plan(MORNING)
    delivery = Delivery.objects.get()
    services.send_due(delivery.scheduled_for + timedelta(seconds=1))
    delivery.refresh_from_db()
    assert (delivery.status, delivery.reason) == ("failed", "no_address")


def test_a_worker_that_died_mid_send_never_sends_twice(patient, workspace, habit):
    _habit_reminder(patient)
    services.plan(MORNING)
    delivery = Delivery.objects.get()
    Delivery.objects.filter(pk=delivery.pk).update(
        status="sending", claimed_at=timezone.now() - timedelta(hours=1)
    )
    services.send_due(delivery.scheduled_for + timedelta(seconds=1))
    delivery.refresh_from_db()
    assert (delivery.status, delivery.reason) == ("failed", "interrupted")
    assert mail.outbox == []


def test_the_open_link_marks_only_the_persons_own_reminder(
    client, patient, workspace, habit, other_patient
):
    _habit_reminder(patient)
    services.plan(MORNING)
    delivery = Delivery.objects.get()
    services.send_due(delivery.scheduled_for + timedelta(seconds=1))
    url = reverse("patient:reminder_open", args=[services.open_token(delivery)])
    client.force_login(other_patient)
    assert client.get(url).url == reverse("patient:dashboard")
    delivery.refresh_from_db()
    assert delivery.status == "sent"
    client.force_login(patient)
    assert client.get(url).url == reverse("patient:habit_list")
    delivery.refresh_from_db()
    assert delivery.status == "opened" and delivery.opened_at is not None


# --- the page ------------------------------------------------------------------------------------


def _form(**changes):
    data = {
        "questionnaire-enabled": "on",
        "questionnaire-time_of_day": "09:00",
        "questionnaire-channel": "email",
        "habit-enabled": "on",
        "habit-time_of_day": "18:30",
        "habit-channel": "push",
        "checkin-time_of_day": "20:00",
        "checkin-channel": "email",
        "message-enabled": "on",
        "message-channel": "email",
        "suggestion-channel": "email",
        "quiet-on": "on",
        "quiet-start": "22:00",
        "quiet-end": "07:00",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_the_page_saves_each_choice_and_the_quiet_hours(client, patient, workspace):
    client.force_login(patient)
    url = reverse("patient:reminders")
    assert client.get(url).status_code == 200
    assert client.post(url, _form()).status_code == 302
    habit = Setting.objects.get(user=patient, kind="habit")
    assert (habit.enabled, habit.time_of_day, habit.channel) == (True, time(18, 30), "push")
    assert not Setting.objects.get(user=patient, kind="suggestion").enabled
    assert QuietHours.objects.get(user=patient).end == time(7)
    # Turning message reminders off is the account's "e-mail me when a message arrives".
    client.post(url, _form(**{"message-enabled": None}))
    patient.refresh_from_db()
    assert patient.message_notifications is False


@pytest.mark.parametrize(
    "bad",
    [
        {"habit-time_of_day": "25:61"},
        {"habit-time_of_day": ""},
        {"habit-channel": "pigeon"},
        {"quiet-start": "07:00"},
        {"quiet-end": "nonsense"},
        {"habit-time_of_day": "09:00\x00"},
    ],
)
def test_bad_choices_get_a_clear_error_and_change_nothing(client, patient, workspace, bad):
    client.force_login(patient)
    response = client.post(reverse("patient:reminders"), _form(**bad))
    assert response.status_code == 400
    assert not Setting.objects.filter(user=patient).exists()
    assert not QuietHours.objects.exists()


def test_the_log_shows_the_person_their_reminders(client, patient, workspace, habit):
    _habit_reminder(patient)
    services.plan(timezone.now())
    client.force_login(patient)
    page = client.get(reverse("patient:reminders")).content.decode()
    assert "Today&#x27;s habit" in page and "Scheduled" in page


# --- devices -------------------------------------------------------------------------------------


def _subscribe(client, endpoint, **extra):
    body = {"endpoint": endpoint, "keys": {"p256dh": "BCx" + "a" * 84, "auth": "b" * 22}}
    body.update(extra)
    return client.post(
        reverse("patient:push_subscribe"), json.dumps(body), content_type="application/json"
    )


@pytest.mark.parametrize(
    "endpoint",
    [
        "https://evil.example.org/push",
        "http://10.0.0.5/push",
        "https://fcm.googleapis.com.evil.org/x",
        "https://user:pw@fcm.googleapis.com/x",
        "javascript:alert(1)",
        "ftp://fcm.googleapis.com/x",
        "https://fcm.googleapis.com/\x00",
        "https://" + "a" * 1000 + ".fcm.googleapis.com/",
    ],
)
def test_only_the_browsers_push_services_are_accepted(client, patient, endpoint):
    client.force_login(patient)
    response = _subscribe(client, endpoint)
    assert response.status_code == 400 and "error" in response.json()
    assert not PushSubscription.objects.exists()


def test_bad_subscription_bodies_are_refused(client, patient):
    client.force_login(patient)
    url = reverse("patient:push_subscribe")
    for body in (b"not json", b"[]", b'{"endpoint": 5}', b"\xff\xfe", b"{" + b" " * 5000 + b"}"):
        response = client.post(url, body, content_type="application/json")
        assert response.status_code == 400
    assert not PushSubscription.objects.exists()


def test_signing_out_ends_this_devices_notifications(client, patient):
    client.force_login(patient)
    assert _subscribe(client, "https://fcm.googleapis.com/fcm/send/abc").status_code == 201
    other = PushSubscription.objects.create(
        user=patient, endpoint="https://fcm.googleapis.com/fcm/send/other", p256dh="x", auth="y"
    )
    client.post(reverse("accounts:logout"))
    mine = PushSubscription.objects.get(endpoint__endswith="/abc")
    assert mine.revoked_at is not None and mine.revoked_reason == "signed_out"
    other.refresh_from_db()
    assert other.revoked_at is None  # another device of the same person keeps its own


def test_a_device_can_be_turned_off_but_never_another_persons(client, patient, other_patient):
    theirs = PushSubscription.objects.create(
        user=other_patient, endpoint="https://fcm.googleapis.com/t", p256dh="x", auth="y"
    )
    mine = PushSubscription.objects.create(
        user=patient, endpoint="https://fcm.googleapis.com/m", p256dh="x", auth="y"
    )
    client.force_login(patient)
    url = reverse("patient:push_unsubscribe")
    assert client.post(url, {"device": str(theirs.pk)}).status_code == 404
    assert client.post(url, {"device": "not-a-uuid"}).status_code == 404
    assert client.post(url, {"device": "\x00"}).status_code == 400  # refused before the view
    assert client.post(url, {"device": str(mine.pk)}).status_code == 302
    theirs.refresh_from_db()
    mine.refresh_from_db()
    assert theirs.revoked_at is None and mine.revoked_at is not None


def test_a_device_that_changes_hands_leaves_the_old_account(client, patient, other_patient):
    endpoint = "https://fcm.googleapis.com/fcm/send/shared"
    client.force_login(patient)
    _subscribe(client, endpoint)
    client.force_login(other_patient)
    _subscribe(client, endpoint)
    assert list(PushSubscription.objects.values_list("user", flat=True)) == [other_patient.pk]


# --- two workers -------------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_share_the_due_reminders_and_send_each_once(mailoutbox):
    if in_memory_sqlite():
        pytest.skip("in-memory SQLite cannot wait for locks; run with DATABASE_URL=postgres://")
    people = [PatientFactory() for _ in range(60)]
    Delivery.objects.bulk_create(
        [Delivery(user=p, kind=Kind.SUGGESTION, key="k", scheduled_for=MORNING) for p in people]
    )

    def worker():
        # No suggestion is open, so "still due" would skip them: send without the check.
        rows = services._claim(MORNING, 7)
        while rows:
            services._send_rows(rows, MORNING, services.SendRun(), checked=True)
            rows = services._claim(MORNING, 7)

    run_at_once([worker, worker])
    assert sorted(m.to[0] for m in mailoutbox) == sorted(p.email for p in people)
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}
