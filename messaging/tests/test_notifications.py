"""E-mail that a new message is waiting: batched per person, never the text, never a name."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command

from accounts.services import user_deactivate
from care.privacy import patient_erase, workspace_export
from messaging import services
from messaging.models import PendingNotice
from messaging.notifications import notifications_send_due
from tests.concurrency import in_memory_sqlite, run_at_once

# A Monday morning, so nothing here depends on the day the suite runs.
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
DELAY = timedelta(seconds=300)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _short_settings(settings):
    settings.MESSAGE_NOTIFY_DELAY_SECONDS = 300
    settings.MESSAGE_NOTIFY_MAX_WAIT_SECONDS = 3600
    settings.SITE_URL = "https://care.example.org"


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def _burst(send, thread, user, n=10, prefix="canary-text"):
    return [send(thread, user, body=f"{prefix} {i} about my back pain") for i in range(n)]


def _to(address):
    return [m for m in mail.outbox if m.to == [address]]


def test_a_burst_of_ten_messages_sends_one_email_to_each_other_participant_and_none_to_the_sender(
    clock, team_thread, send, patient, gp, therapist, mailoutbox
):
    _burst(send, team_thread, patient)
    assert PendingNotice.objects.count() == 2, "one row per recipient, whatever the burst"
    clock.shift(DELAY + timedelta(seconds=1))

    run = notifications_send_due()

    assert run.sent == 2
    assert len(_to(gp.email)) == 1
    assert len(_to(therapist.email)) == 1
    assert _to(patient.email) == []
    assert PendingNotice.objects.count() == 0


def test_the_email_holds_a_link_and_no_text_and_no_names(
    clock, team_thread, send, patient, gp, therapist, workspace, mailoutbox
):
    bodies = [m.body for m in _burst(send, team_thread, patient, n=3)]
    clock.shift(DELAY + timedelta(seconds=1))
    notifications_send_due()
    send(team_thread, gp, body="gp-canary reply about the flare-up")
    clock.shift(DELAY + timedelta(seconds=1))
    notifications_send_due()

    clinician_mail = _to(gp.email)[0]
    patient_mail = _to(patient.email)[0]
    assert "https://care.example.org/clinic/messages/" in clinician_mail.body
    assert "https://care.example.org/me/messages/" in patient_mail.body
    for email in (clinician_mail, patient_mail, _to(therapist.email)[0]):
        seen = email.subject + "\n" + email.body + "\n" + str(email.message())
        for secret in [
            *bodies,
            "canary-text",
            "back pain",
            "gp-canary",
            "flare-up",
            patient.full_name,
            "Pat",
            gp.full_name,
            "Gina",
            therapist.full_name,
            str(workspace.pk),
            str(team_thread.pk),
        ]:
            assert secret not in seen, secret
        assert "message" in email.subject.lower()


def test_it_waits_until_the_conversation_has_been_quiet_for_the_delay(
    clock, team_thread, send, patient, gp, mailoutbox
):
    send(team_thread, patient, body="one")
    clock.shift(timedelta(seconds=200))
    send(team_thread, patient, body="two")
    clock.shift(timedelta(seconds=200))  # 400 s after the first, 200 s after the last
    assert notifications_send_due().sent == 0
    assert _to(gp.email) == []
    clock.shift(timedelta(seconds=101))
    assert notifications_send_due().sent == 2
    assert len(_to(gp.email)) == 1


def test_a_long_lively_exchange_is_told_at_the_latest_after_the_maximum_wait(
    clock, team_thread, send, patient, gp, mailoutbox
):
    for i in range(20):  # a message every 200 s: never quiet for 300 s
        send(team_thread, patient, body=f"still typing {i}")
        clock.shift(timedelta(seconds=200))
        notifications_send_due()
        if _to(gp.email):
            break
    assert len(_to(gp.email)) == 1
    assert i == 3600 // 200 - 1  # the first message's notice fell due at 3,600 s


def test_nothing_is_sent_to_someone_who_read_everything_in_the_meantime(
    clock, team_thread, send, patient, gp, therapist, mailoutbox
):
    _burst(send, team_thread, patient)
    clock.shift(timedelta(seconds=60))
    services.thread_mark_read(thread=team_thread, user=gp)
    clock.shift(DELAY)

    run = notifications_send_due()

    assert _to(gp.email) == []
    assert len(_to(therapist.email)) == 1
    assert run.already_read == 1
    assert not PendingNotice.objects.filter(recipient=gp).exists()


def test_an_older_unread_message_does_not_count_once_the_new_one_is_read(
    clock, workspace, team_thread, gp_membership, send, patient, gp, mailoutbox
):
    send(team_thread, patient, body="old")
    clock.shift(DELAY + timedelta(seconds=1))
    notifications_send_due()
    assert len(_to(gp.email)) == 1
    # The old team message stays unread; the new private one is read before the job runs.
    private = services.private_thread_open(
        workspace=workspace, membership_id=gp_membership.pk, by=patient
    )
    send(private, patient, body="new")
    services.thread_mark_read(thread=private, user=gp)
    clock.shift(DELAY + timedelta(seconds=1))
    assert notifications_send_due().already_read == 1
    assert len(_to(gp.email)) == 1


def test_nobody_who_turned_the_emails_off_or_left_gets_one(
    clock, team_thread, send, patient, gp, therapist, mailoutbox
):
    gp.message_notifications = False
    gp.save(update_fields=["message_notifications"])
    user_deactivate(user=therapist)
    send(team_thread, patient, body="hello")
    clock.shift(DELAY + timedelta(seconds=1))

    run = notifications_send_due()

    assert mailoutbox == []
    assert run.sent == 0
    assert PendingNotice.objects.count() == 0


def test_running_the_command_twice_sends_nothing_twice(
    clock, team_thread, send, patient, gp, therapist, mailoutbox
):
    _burst(send, team_thread, patient)
    clock.shift(DELAY + timedelta(seconds=1))
    call_command("send_message_notifications", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("send_message_notifications", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert len(mailoutbox) == 2
    assert sorted(m.to[0] for m in mailoutbox) == sorted([gp.email, therapist.email])


def test_a_second_burst_after_the_first_email_sends_a_second_email(
    clock, team_thread, send, patient, gp, mailoutbox
):
    _burst(send, team_thread, patient, n=5)
    clock.shift(DELAY + timedelta(seconds=1))
    notifications_send_due()
    clock.shift(timedelta(hours=2))
    _burst(send, team_thread, patient, n=5)
    clock.shift(timedelta(seconds=10))
    notifications_send_due()
    assert len(_to(gp.email)) == 1, "the second burst is not quiet yet"
    clock.shift(DELAY)
    notifications_send_due()
    assert len(_to(gp.email)) == 2


def test_a_private_thread_tells_only_its_member(
    clock, workspace, gp_membership, therapist_membership, send, patient, gp, therapist, mailoutbox
):
    thread = services.private_thread_open(
        workspace=workspace, membership_id=therapist_membership.pk, by=patient
    )
    send(thread, patient, body="just for you")
    clock.shift(DELAY + timedelta(seconds=1))
    notifications_send_due()
    assert [m.to for m in mailoutbox] == [[therapist.email]]


def test_a_refused_send_records_no_notice(clock, team_thread, patient):
    with pytest.raises(ValidationError):
        services.message_send(thread=team_thread, sender=patient, body="  ", client_id=uuid.uuid4())
    assert PendingNotice.objects.count() == 0


def test_a_retried_send_with_the_same_client_id_does_not_renew_the_notice(
    clock, team_thread, patient
):
    client_id = uuid.uuid4()
    services.message_send(thread=team_thread, sender=patient, body="hi", client_id=client_id)
    clock.shift(timedelta(seconds=200))
    services.message_send(thread=team_thread, sender=patient, body="hi", client_id=client_id)
    assert set(PendingNotice.objects.values_list("last_message_at", flat=True)) == {START}


def test_a_mail_server_failure_keeps_the_notice_for_the_next_run(
    clock, team_thread, send, patient, gp, settings, mailoutbox
):
    send(team_thread, patient, body="hello")
    clock.shift(DELAY + timedelta(seconds=1))
    # A real SMTP back-end pointed at a port where nothing listens: the connection is refused.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2

    run = notifications_send_due()

    assert run.failed == 2 and run.sent == 0
    assert PendingNotice.objects.count() == 2
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert notifications_send_due().sent == 2
    assert len(_to(gp.email)) == 1


def test_the_patients_notice_is_exported_and_erased_with_them(
    clock, team_thread, send, patient, gp, workspace
):
    send(team_thread, gp, body="hello")
    assert "messaging.PendingNotice" in workspace_export(workspace=workspace)
    assert len(workspace_export(workspace=workspace)["messaging.PendingNotice"]) == 1
    patient_erase(patient=patient)
    assert not PendingNotice.objects.filter(recipient_id=patient.pk).exists()


def test_the_account_page_turns_the_emails_off_and_on(client, patient):
    client.force_login(patient)
    page = client.get("/accounts/profile/")
    assert 'name="message_notifications"' in page.content.decode()
    form = {"full_name": patient.full_name, "timezone": patient.timezone, "language": "en"}
    assert client.post("/accounts/profile/", form).status_code == 302
    patient.refresh_from_db()
    assert patient.message_notifications is False
    client.post("/accounts/profile/", form | {"message_notifications": "on"})
    patient.refresh_from_db()
    assert patient.message_notifications is True


def test_the_api_turns_the_emails_off(client, patient):
    client.force_login(patient)
    response = client.patch(
        "/api/v1/me/", {"message_notifications": False}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["message_notifications"] is False
    patient.refresh_from_db()
    assert patient.message_notifications is False


def test_the_job_costs_a_constant_number_of_queries_per_person(
    clock, team_thread, send, patient, django_assert_max_num_queries, mailoutbox
):
    _burst(send, team_thread, patient, n=10)
    clock.shift(DELAY + timedelta(seconds=1))
    # claim (savepoint, select, delete) + per person: the unread check, their reminder choice
    # and quiet hours, the delivery log row (savepoint, insert, release, update), their
    # settings and devices (reminders.services.deliver_now).
    with django_assert_max_num_queries(24):
        notifications_send_due()
    assert len(mailoutbox) == 2


# --- PostgreSQL: two schedulers at once, senders racing -------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_schedulers_at_once_send_each_email_once(
    team_thread, send, patient, gp, therapist, workspace, mailoutbox
):
    if in_memory_sqlite():
        pytest.skip("in-memory SQLite cannot wait for locks; run with DATABASE_URL=postgres://")
    _burst(send, team_thread, patient, n=3)
    later = START.replace(year=2100)
    run_at_once([lambda: notifications_send_due(now=later) for _ in range(4)])
    assert sorted(m.to[0] for m in mailoutbox) == sorted([gp.email, therapist.email])
    assert PendingNotice.objects.count() == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_racing_senders_keep_one_notice_per_person(
    team_thread, patient, gp, therapist, workspace, therapist_membership
):
    if in_memory_sqlite():
        pytest.skip("in-memory SQLite cannot wait for locks; run with DATABASE_URL=postgres://")
    private = services.private_thread_open(
        workspace=workspace, membership_id=therapist_membership.pk, by=patient
    )

    def sender(thread, user):
        return lambda: services.message_send(
            thread=thread, sender=user, body="hi", client_id=uuid.uuid4()
        )

    jobs = [sender(team_thread, patient), sender(private, patient), sender(team_thread, gp)] * 3
    run_at_once(jobs)
    recipients = sorted(str(r) for r in PendingNotice.objects.values_list("recipient", flat=True))
    assert recipients == sorted(str(u.pk) for u in (patient, gp, therapist))
