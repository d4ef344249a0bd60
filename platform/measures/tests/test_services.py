from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.http import Http404
from django.utils import timezone

from measures import selectors, services
from measures.models import Reminder, Response, SafetyEvent
from records.models import AuditEvent
from reminders import services as reminder_services
from reminders.models import Delivery, Kind
from tests.factories import GPFactory

pytestmark = pytest.mark.django_db


def _phq9(workspace, patient, answers, *, finish=True):
    response = services.response_start(workspace=workspace, instrument="phq9", by=patient)
    result = services.response_save_answers(response=response, answers=answers, by=patient)
    if finish:
        services.response_complete(response=response, by=patient)
    response.refresh_from_db()
    return response, result


def test_answers_are_saved_as_the_patient_goes(workspace, patient):
    response = services.response_start(workspace=workspace, instrument="gad7", by=patient)
    services.response_save_answers(response=response, answers={"1": 2}, by=patient)
    services.response_save_answers(response=response, answers={"2": 1}, by=patient)
    again = services.response_start(workspace=workspace, instrument="gad7", by=patient)
    assert again.pk == response.pk
    again.refresh_from_db()
    assert again.answers == {"1": 2, "2": 1}
    assert again.status == Response.Status.IN_PROGRESS and again.total is None


def test_an_incomplete_questionnaire_cannot_be_finished_and_has_no_total(workspace, patient):
    response, _result = _phq9(workspace, patient, dict.fromkeys(range(1, 9), 0), finish=False)
    with pytest.raises(ValidationError, match="missing: 9"):
        services.response_complete(response=response, by=patient)
    response.refresh_from_db()
    assert response.total is None and response.status == Response.Status.IN_PROGRESS


def test_a_complete_phq9_is_scored_and_banded(workspace, patient):
    answers = {1: 3, 2: 3, 3: 2, 4: 2, 5: 1, 6: 1, 7: 0, 8: 0, 9: 0}
    response, result = _phq9(workspace, patient, answers)
    assert (response.total, response.band, response.prorated) == (12, "moderate", False)
    assert result.safety_events == []
    assert not SafetyEvent.objects.exists()


@pytest.mark.parametrize("value", [1, 2, 3])
def test_item_nine_above_zero_raises_a_safety_event_at_once_whatever_the_total(
    workspace, patient, workspace_events, django_capture_on_commit_callbacks, value
):
    with django_capture_on_commit_callbacks(execute=True):
        response = services.response_start(workspace=workspace, instrument="phq9", by=patient)
        # Only item 9 answered: the questionnaire is far from finished, the total would be low.
        result = services.response_save_answers(response=response, answers={9: value}, by=patient)
    assert result.needs_safety_page
    event = SafetyEvent.objects.get()
    assert (event.workspace_id, event.response_id, event.item, event.value) == (
        workspace.pk,
        response.pk,
        9,
        value,
    )
    assert event.status == SafetyEvent.Status.OPEN
    risk = [e for e in workspace_events() if e["kind"] == "measures.risk"]
    assert risk == [
        {
            "type": "live.event",
            "kind": "measures.risk",
            "workspace": str(workspace.pk),
            "section": "measures",
            "data": {"safety_event": str(event.pk), "response": str(response.pk)},
        }
    ]
    assert AuditEvent.objects.filter(action="measures.safety.raised").count() == 1
    opened = selectors.open_risk_events_for_workspaces([workspace.pk])
    assert [row["id"] for row in opened] == [event.pk]


def test_the_safety_event_is_raised_once_per_response(workspace, patient):
    response, _ = _phq9(workspace, patient, {9: 1}, finish=False)
    services.response_save_answers(response=response, answers={9: 2, 1: 0}, by=patient)
    assert SafetyEvent.objects.count() == 1


def test_the_risk_event_is_stored_with_the_real_time_stack_down(
    workspace,
    patient,
    gp_membership,
    refusing_channel_layer,
    django_capture_on_commit_callbacks,
    caplog,
):
    """The channel layer is a Redis that refuses every connection: each publish fails after
    commit, and the event, its alert and the lead's e-mail stand."""
    from alerts.models import Alert

    with django_capture_on_commit_callbacks(execute=True):
        response, result = _phq9(workspace, patient, {**dict.fromkeys(range(1, 9), 0), 9: 1})
    assert response.total == 1 and response.band == "minimal"
    assert result.needs_safety_page
    assert SafetyEvent.objects.filter(response=response).exists()
    assert Alert.objects.filter(workspace=workspace, kind="risk", status="open").exists()
    assert [m.to for m in mail.outbox] == [[gp_membership.clinician.email]]
    assert "publish failed" in caplog.text, "the layer really failed"


def test_bad_answers_change_nothing(workspace, patient):
    response = services.response_start(workspace=workspace, instrument="phq9", by=patient)
    for bad in ({"1": 7}, {"12": 1}, {"1": 1, "9": "x"}):
        with pytest.raises(ValidationError):
            services.response_save_answers(response=response, answers=bad, by=patient)
    response.refresh_from_db()
    assert response.answers == {}
    assert not SafetyEvent.objects.exists()


def test_finishing_twice_is_idempotent_and_answers_cannot_change_after(workspace, patient):
    answers = dict.fromkeys(range(1, 8), 1)
    response = services.response_start(workspace=workspace, instrument="gad7", by=patient)
    services.response_save_answers(response=response, answers=answers, by=patient)
    services.response_complete(response=response, by=patient)
    first = Response.objects.get(pk=response.pk).completed_at
    services.response_complete(response=response, by=patient)
    services.response_save_answers(response=response, answers=answers, by=patient)  # same: no-op
    with pytest.raises(ValidationError, match="already finished"):
        services.response_save_answers(response=response, answers={"1": 3}, by=patient)
    response.refresh_from_db()
    assert response.completed_at == first and response.total == 7
    assert Response.objects.count() == 1


def test_nobody_else_can_answer_for_the_patient(
    workspace, patient, gp, gp_membership, other_patient
):
    # Owner-only, with the one status rule: 403 inside the care team, 404 outside it.
    for actor, refusal in ((gp, PermissionDenied), (other_patient, Http404)):
        with pytest.raises(refusal):
            services.response_start(workspace=workspace, instrument="phq9", by=actor)
    response = services.response_start(workspace=workspace, instrument="phq9", by=patient)
    with pytest.raises(PermissionDenied):
        services.response_save_answers(response=response, answers={9: 3}, by=gp)
    assert not SafetyEvent.objects.exists()


def test_unknown_instrument_is_refused(workspace, patient):
    with pytest.raises(ValidationError):
        services.response_start(workspace=workspace, instrument="nope", by=patient)


def test_reliable_change_and_baseline_in_latest_scores(workspace, patient, other_patient):
    from tests.factories import workspace_for

    for answers in (dict.fromkeys(range(1, 9), 3) | {9: 0}, dict.fromkeys(range(1, 10), 1)):
        _phq9(workspace, patient, answers)
    other = workspace_for(other_patient)
    _phq9(other, other_patient, dict.fromkeys(range(1, 10), 0))
    scores = selectors.latest_scores_for_workspaces([workspace.pk, other.pk])
    mine = scores[workspace.pk]["phq9"]
    assert (mine["baseline"], mine["total"], mine["change"]) == (24, 9, -15)
    assert mine["reliable_change"] == "improved"
    assert scores[other.pk]["phq9"]["total"] == 0


def test_latest_scores_take_one_query_at_any_size(django_assert_num_queries):
    from tests.factories import PatientFactory, workspace_for

    def build(n):
        ids = []
        for _ in range(n):
            patient = PatientFactory()
            ws = workspace_for(patient)
            _phq9(ws, patient, dict.fromkeys(range(1, 10), 1))
            ids.append(ws.pk)
        return ids

    small, large = build(2), build(50)
    with django_assert_num_queries(1):
        assert len(selectors.latest_scores_for_workspaces(small)) == 2
    with django_assert_num_queries(1):
        assert len(selectors.latest_scores_for_workspaces(large)) == 50


def test_open_risk_events_take_one_query(workspace, patient, django_assert_num_queries):
    _phq9(workspace, patient, {9: 2}, finish=False)
    with django_assert_num_queries(1):
        assert len(selectors.open_risk_events_for_workspaces([workspace.pk])) == 1


def test_acknowledging_closes_the_risk_event(
    workspace, patient, gp, gp_membership, therapist, therapist_membership
):
    _phq9(workspace, patient, {9: 2}, finish=False)
    event = SafetyEvent.objects.get()
    outsider = GPFactory()
    with pytest.raises(ValidationError):  # not in the care team
        services.safety_event_acknowledge(event=event, by=outsider)
    # Safety information is not a section: a member who sees no measures may acknowledge.
    services.safety_event_acknowledge(event=event, by=therapist)
    assert selectors.open_risk_events_for_workspaces([workspace.pk]) == []


# --- schedules and reminders -----------------------------------------------------------------


def test_a_schedule_makes_a_questionnaire_due(workspace, patient, gp, gp_membership):
    today = timezone.localdate()
    services.schedule_set(
        workspace=workspace,
        instrument="phq9",
        starts_on=today - timedelta(days=15),
        every_weeks=2,
        by=gp,
    )
    due = selectors.due_for_workspace(workspace, today=today)
    assert [(d.instrument.code, d.due_on) for d in due] == [("phq9", today - timedelta(days=1))]
    _phq9(workspace, patient, dict.fromkeys(range(1, 10), 0))
    assert selectors.due_for_workspace(workspace, today=today) == []


def test_a_due_questionnaire_comes_with_its_unfinished_response(
    workspace, patient, gp, gp_membership, django_assert_num_queries
):
    today = timezone.localdate()
    for code in ("phq9", "gad7"):
        services.schedule_set(
            workspace=workspace, instrument=code, starts_on=today - timedelta(days=15),
            every_weeks=2, by=gp,
        )  # fmt: skip
    with django_assert_num_queries(1):  # nothing in progress: the schedules alone
        due = selectors.due_for_workspace(workspace, today=today)
    assert [(d.instrument.code, d.in_progress) for d in due] == [("gad7", None), ("phq9", None)]
    started, _ = _phq9(workspace, patient, {"1": 1}, finish=False)
    with django_assert_num_queries(2):  # and the responses in progress
        due = selectors.due_for_workspace(workspace, today=today)
    assert [(d.instrument.code, d.in_progress) for d in due] == [("gad7", None), ("phq9", started)]


def test_schedule_bad_input_is_refused(workspace, patient, outsider_clinician):
    today = date(2026, 1, 1)
    with pytest.raises(ValidationError):
        services.schedule_set(workspace=workspace, instrument="x", starts_on=today, by=patient)
    with pytest.raises(ValidationError):
        services.schedule_set(
            workspace=workspace,
            instrument="phq9",
            starts_on=today,
            every_weeks=0,
            at_start=False,
            by=patient,
        )
    with pytest.raises(ValidationError):
        services.schedule_set(
            workspace=workspace,
            instrument="phq9",
            starts_on=today,
            ends_on=today - timedelta(days=1),
            by=patient,
        )
    with pytest.raises(Http404):  # outside the care team, the workspace does not exist
        services.schedule_set(
            workspace=workspace, instrument="phq9", starts_on=today, by=outsider_clinician
        )


def test_reminders_are_sent_once_content_free_and_logged(workspace, patient):
    today = timezone.localdate()
    services.schedule_set(workspace=workspace, instrument="phq9", starts_on=today, by=patient)
    call_command("send_measure_reminders")
    call_command("send_measure_reminders")
    reminder = Reminder.objects.get()
    assert reminder.status == Reminder.Status.SCHEDULED and mail.outbox == []
    # The reminders app tells the patient at their time of day (09:00 by default, spread over
    # half an hour), however often its jobs run.
    now = timezone.now()
    reminder_services.plan(now=now)
    reminder_services.plan(now=now)
    delivery = Delivery.objects.get(user=patient, kind=Kind.QUESTIONNAIRE)
    assert delivery.key == str(reminder.pk) and delivery.scheduled_for > now
    later = delivery.scheduled_for + timedelta(minutes=1)
    reminder_services.send_due(now=later)
    reminder_services.send_due(now=later)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [patient.email]
    text = (message.subject + message.body).lower()
    for word in ("phq", "gad", "who-5", "depress", "anxiety", "score", "questionnaire"):
        assert word not in text
    reminder.refresh_from_db()
    assert reminder.status == Reminder.Status.SENT and reminder.sent_at is not None
    assert AuditEvent.objects.filter(action="measures.reminder.sent").count() == 1
    token = message.body.split("/reminders/open/")[1].split("/")[0]
    assert reminder_services.opened(token, patient).status == Delivery.Status.OPENED
    assert reminder_services.opened("garbage", patient) is None
    _phq9(workspace, patient, dict.fromkeys(range(1, 10), 0))
    reminder.refresh_from_db()
    assert reminder.status == Reminder.Status.COMPLETED and reminder.completed_at is not None


def test_no_reminder_when_already_done(workspace, patient):
    today = timezone.localdate()
    services.schedule_set(workspace=workspace, instrument="gad7", starts_on=today, by=patient)
    response = services.response_start(workspace=workspace, instrument="gad7", by=patient)
    services.response_save_answers(
        response=response, answers=dict.fromkeys(range(1, 8), 0), by=patient
    )
    services.response_complete(response=response, by=patient)
    run = services.reminders_plan(today=today)
    assert run.scheduled == 0
    reminder_services.plan()
    assert not Delivery.objects.exists()


def test_a_questionnaire_done_before_the_reminder_time_is_not_reminded(workspace, patient):
    today = timezone.localdate()
    services.schedule_set(workspace=workspace, instrument="phq9", starts_on=today, by=patient)
    services.reminders_plan(today=today)
    reminder_services.plan()
    delivery = Delivery.objects.get(user=patient)
    _phq9(workspace, patient, dict.fromkeys(range(1, 10), 0))
    reminder_services.send_due(now=delivery.scheduled_for + timedelta(minutes=1))
    delivery.refresh_from_db()
    assert (delivery.status, delivery.reason) == (Delivery.Status.SKIPPED, Delivery.Reason.DONE)
    assert mail.outbox == []


# --- the personal measure --------------------------------------------------------------------


def test_personal_measure_up_to_three_things_rated_0_to_10(workspace, patient):
    items = services.personal_items_set(
        workspace=workspace, texts=["Walk the dog", "Sleep through", ""], by=patient
    )
    assert [i.position for i in items] == [1, 2]
    with pytest.raises(ValidationError):
        services.personal_items_set(workspace=workspace, texts=["a", "b", "c", "d"], by=patient)
    ratings = {str(items[0].pk): 4, str(items[1].pk): "7"}
    check = services.personal_check_record(workspace=workspace, ratings=ratings, by=patient)
    assert sorted(r.score for r in check.ratings.all()) == [4, 7]
    for bad in (
        {str(items[0].pk): 11, str(items[1].pk): 1},
        {str(items[0].pk): 1},
        {str(items[0].pk): 1, str(items[1].pk): "x"},
    ):
        with pytest.raises(ValidationError):
            services.personal_check_record(workspace=workspace, ratings=bad, by=patient)
    assert len(selectors.personal_checks(workspace)) == 1


def test_demo_seed_is_idempotent_and_shows_a_trend():
    from measures import demo
    from tests.factories import GPFactory, PatientFactory, add_member, workspace_for

    patient = PatientFactory(email="patient@example.org")
    gp = GPFactory(email="gp@example.org")
    add_member(workspace_for(patient), gp, ["measures"])
    users = {"patient@example.org": patient, "gp@example.org": gp}
    demo.seed(users=users)
    demo.seed(users=users)
    trends = selectors.trends_for_workspace(workspace_for(patient))
    assert [len(t.points) for t in trends] == [4, 4, 4]
    assert trends[0].reliable_change == "improved"


def test_two_questionnaires_due_together_make_one_reminder(workspace, patient):
    today = timezone.localdate()
    for instrument in ("phq9", "gad7"):
        services.schedule_set(
            workspace=workspace, instrument=instrument, starts_on=today, by=patient
        )
    services.reminders_plan(today=today)
    reminder_services.plan()
    deliveries = list(Delivery.objects.filter(user=patient))
    assert len(deliveries) == 2
    reminder_services.send_due(now=max(d.scheduled_for for d in deliveries) + timedelta(minutes=1))
    assert len(mail.outbox) == 1
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}
    assert set(Reminder.objects.values_list("status", flat=True)) == {"sent"}
