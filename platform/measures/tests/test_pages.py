"""The patient's and the care team's pages, through the test client (no JavaScript, no
websocket, no Redis: the in-memory layer is not even listened to)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from measures import services
from measures.models import Reminder, Response, SafetyEvent
from records.models import AccessLogEntry
from tests.factories import add_member, workspace_for
from toolbox import services as toolbox_services
from toolbox.models import CrisisKind, OrganisationEmergencyNumber

pytestmark = pytest.mark.django_db


@pytest.fixture
def patient_client(client, patient, workspace):
    client.force_login(patient, backend="accounts.backends.EmailBackend")
    return client


def _start(client, instrument="phq9"):
    response = client.post(reverse("patient:measure_start"), {"instrument": instrument})
    assert response.status_code == 302
    return Response.objects.get(status="in_progress", instrument=instrument)


def _complete(workspace, patient, instrument, answers):
    response = services.response_start(workspace=workspace, instrument=instrument, by=patient)
    services.response_save_answers(response=response, answers=answers, by=patient)
    return services.response_complete(response=response, by=patient)


def test_item_nine_shows_the_support_page_at_once(patient_client):
    response = _start(patient_client)
    url = reverse("patient:measure_response", args=[response.pk])
    page = patient_client.post(url, {"item-1": "0", "item-9": "1", "action": "next-2"})
    assert page.status_code == 302
    assert page.url.startswith(reverse("patient:measures_support"))
    support = patient_client.get(page.url)
    body = support.content.decode()
    assert "You do not have to cope with this alone" in body
    assert "112" in body and "emergency" in body
    assert url in body  # a way back to the unfinished questionnaire
    assert "Nobody here has been told" in body  # no care team: we do not pretend otherwise
    assert "passed on" not in body and "we have told" not in body.lower()
    assert SafetyEvent.objects.filter(response=response, item=9, value=1).exists()
    # The questionnaire page keeps a link to support; no second redirect.
    again = patient_client.post(url, {"item-2": "0", "action": "next-3"})
    assert again.status_code == 302 and again.url.endswith("#item-3")
    assert "support" in patient_client.get(url).content.decode()


def test_item_nine_on_the_one_page_form_with_a_low_total(patient_client, gp_membership):
    response = _start(patient_client)
    answers = {f"item-{n}": "0" for n in range(1, 9)} | {"item-9": "3", "action": "finish"}
    page = patient_client.post(reverse("patient:measure_response", args=[response.pk]), answers)
    assert page.url.startswith(reverse("patient:measures_support"))
    assert SafetyEvent.objects.filter(response=response).count() == 1
    # "Finish" means finished: the response and its total are stored before the support page.
    response.refresh_from_db()
    assert response.is_completed and response.total == 3
    support = patient_client.get(page.url).content.decode()
    assert "Go back to the questionnaire" not in support
    result = patient_client.get(
        reverse("patient:measure_response", args=[response.pk])
    ).content.decode()
    assert "3 out of 27" in result and "Support is there for you" in result
    assert "we have told" in result.lower()


def test_progress_is_saved_item_by_item(patient_client):
    response = _start(patient_client, "gad7")
    url = reverse("patient:measure_response", args=[response.pk])
    page = patient_client.post(url, {"item-1": "2", "action": "next-2"})
    assert page.url == url + "#item-2"
    response.refresh_from_db()
    assert response.answers == {"1": 2}
    form = patient_client.get(url).content.decode()
    assert 'id="i1-2" value="2" checked' in form
    assert 'id="item-7"' in form and "step-button" in form


def test_finishing_with_a_missing_answer_keeps_the_answers_and_says_which(patient_client):
    response = _start(patient_client, "gad7")
    answers = {f"item-{n}": "1" for n in range(1, 7)} | {"action": "finish"}
    page = patient_client.post(reverse("patient:measure_response", args=[response.pk]), answers)
    assert page.status_code == 400
    assert "missing: 7" in page.content.decode()
    response.refresh_from_db()
    assert response.status == "in_progress" and response.total is None
    assert len(response.answers) == 6


def test_bad_answers_are_refused_and_nothing_is_stored(patient_client):
    response = _start(patient_client)
    url = reverse("patient:measure_response", args=[response.pk])
    for bad in ({"item-1": "9"}, {"item-77": "1"}, {"item-1": "x"}, {"item-9": "na"}):
        page = patient_client.post(url, bad | {"action": "save"})
        assert page.status_code == 400
    response.refresh_from_db()
    assert response.answers == {}
    assert not SafetyEvent.objects.exists()


def test_start_with_an_unknown_instrument_is_a_form_error(patient_client):
    page = patient_client.post(reverse("patient:measure_start"), {"instrument": "nope"})
    assert page.status_code == 400
    assert not Response.objects.exists()


def test_result_page_has_score_band_chart_and_table(patient_client, patient, workspace):
    _complete(workspace, patient, "phq9", dict.fromkeys(range(1, 10), 2) | {9: 0})
    last = _complete(workspace, patient, "phq9", dict.fromkeys(range(1, 10), 1) | {9: 0})
    page = patient_client.get(reverse("patient:measure_response", args=[last.pk]))
    body = page.content.decode()
    assert "8 out of 27" in body and "Mild" in body
    assert "<svg" in body and "<table>" in body and "<title" in body
    assert "First score: 16; change since then: -8." in body
    assert "This is a reliable improvement." in body


def test_an_answered_response_of_another_patient_is_404(client, other_patient, patient, workspace):
    response = services.response_start(workspace=workspace, instrument="phq9", by=patient)
    client.force_login(other_patient, backend="accounts.backends.EmailBackend")
    url = reverse("patient:measure_response", args=[response.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"item-9": "3"}).status_code == 404
    assert not SafetyEvent.objects.exists()


def test_the_dashboard_shows_what_is_due(patient_client, patient, workspace):
    services.schedule_set(
        workspace=workspace, instrument="who5", starts_on=timezone.localdate(), by=patient
    )
    body = patient_client.get(reverse("patient:dashboard")).content.decode()
    assert "WHO-5 Well-Being Index" in body and 'data-card="measures"' in body


def test_the_reminder_link_only_marks_opened(client, patient, workspace):
    services.schedule_set(
        workspace=workspace, instrument="phq9", starts_on=timezone.localdate(), by=patient
    )
    services.reminders_plan(today=timezone.localdate())
    reminder = Reminder.objects.get()
    reminder.status = Reminder.Status.SENT  # as a link sent before reminders had choices
    reminder.save()
    page = client.get(
        reverse("patient:measures_reminder_open", args=[services.reminder_token(reminder)])
    )
    assert page.status_code == 302 and page.url == reverse("patient:measures")
    reminder.refresh_from_db()
    assert reminder.status == Reminder.Status.OPENED
    assert "_auth_user_id" not in client.session  # it never signs anyone in


def test_personal_measure_page(patient_client, workspace):
    url = reverse("patient:measures_personal")
    assert (
        patient_client.post(url, {"action": "items", "text-1": "Play with my kids"}).status_code
        == 302
    )
    page = patient_client.get(url).content.decode()
    assert "Play with my kids" in page
    item = workspace.measure_personal_items.get()
    assert (
        patient_client.post(url, {"action": "rate", f"rating-{item.pk}": "12"}).status_code == 400
    )
    assert patient_client.post(url, {"action": "rate", f"rating-{item.pk}": "6"}).status_code == 302
    assert ">Play with my kids: 6<" in patient_client.get(url).content.decode()


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def _fill(workspace, patient, n):
    for k in range(n):
        _complete(
            workspace,
            patient,
            ["phq9", "gad7"][k % 2],
            dict.fromkeys(range(1, 10), k % 4) if k % 2 == 0 else dict.fromkeys(range(1, 8), k % 4),
        )


def test_patient_measures_page_query_count_is_flat(patient_client, patient, workspace):
    services.schedule_set(
        workspace=workspace, instrument="phq9", starts_on=timezone.localdate(), by=patient
    )
    _fill(workspace, patient, 2)
    small = _queries(patient_client, reverse("patient:measures"))
    _fill(workspace, patient, 48)
    assert _queries(patient_client, reverse("patient:measures")) == small


def test_clinician_page_needs_consent_logs_reads_and_has_flat_queries(
    client, patient, workspace, gp, gp_membership, therapist, therapist_membership
):
    url = reverse("clinician:measures", args=[workspace.pk])
    client.force_login(therapist, backend="accounts.backends.EmailBackend")
    assert client.get(url).status_code == 403
    client.force_login(gp, backend="accounts.backends.EmailBackend")
    services.schedule_set(
        workspace=workspace,
        instrument="phq9",
        starts_on=timezone.localdate() - timedelta(days=70),
        every_weeks=1,
        by=gp,
    )
    _fill(workspace, patient, 2)
    before = AccessLogEntry.objects.filter(actor=gp, section="measures").count()
    small = _queries(client, url)
    assert AccessLogEntry.objects.filter(actor=gp, section="measures").count() == before + 1
    _fill(workspace, patient, 48)
    for k in range(50):
        Reminder.objects.create(
            workspace=workspace,
            schedule=workspace.measure_schedules.get(),
            due_on=timezone.localdate() - timedelta(days=k),
        )
    assert _queries(client, url) == small
    body = client.get(url).content.decode()
    assert "Reminder delivery log" in body and "<svg" in body


def test_clinician_sets_a_schedule_and_bad_input_is_a_form_error(
    client, workspace, gp, gp_membership
):
    client.force_login(gp, backend="accounts.backends.EmailBackend")
    url = reverse("clinician:measures_schedule", args=[workspace.pk])
    bad = client.post(
        url, {"instrument": "phq9", "starts_on": "2026-01-10", "ends_on": "2026-01-01"}
    )
    assert bad.status_code == 400
    assert not workspace.measure_schedules.exists()
    ok = client.post(
        url,
        {
            "instrument": "phq9",
            "starts_on": "2026-01-10",
            "at_start": "on",
            "every_weeks": "2",
            "active": "on",
        },
    )
    assert ok.status_code == 302
    assert workspace.measure_schedules.get().every_weeks == 2


def test_overview_panel_shows_scores_and_open_risk(client, patient, workspace, gp, gp_membership):
    _complete(workspace, patient, "phq9", dict.fromkeys(range(1, 10), 1))
    client.force_login(gp, backend="accounts.backends.EmailBackend")
    body = client.get(reverse("clinician:patient_overview", args=[workspace.pk])).content.decode()
    assert "PHQ-9: 9 (Mild)" in body
    assert 'data-risk="open"' in body


def test_overview_panel_hidden_without_consent(
    client, patient, workspace, therapist, therapist_membership
):
    _complete(workspace, patient, "phq9", dict.fromkeys(range(1, 10), 1))
    client.force_login(therapist, backend="accounts.backends.EmailBackend")
    body = client.get(reverse("clinician:patient_overview", args=[workspace.pk])).content.decode()
    assert "PHQ-9: 9" not in body and 'data-risk="open"' not in body


def test_support_page_shows_the_patients_own_crisis_plan(patient_client, workspace, patient, gp):
    """The safety flow shows the plan the patient wrote (and their organisation's numbers) at
    once, without JavaScript, with a link to the full plan."""
    add_member(workspace, gp)
    OrganisationEmergencyNumber.objects.create(
        organisation=gp.organisation, label="Surgery crisis line", number="+45 11 22 33 44"
    )
    lines = {
        CrisisKind.WARNING_SIGN: "I stop answering my phone",
        CrisisKind.SELF_HELP: "Walk the dog around the lake",
        CrisisKind.HELPER: "My sister Ana",
        CrisisKind.PROFESSIONAL: "Dr Lind at the surgery",
        CrisisKind.EMERGENCY: "Night crisis team",
        CrisisKind.SAFER: "Give the pills to Ana",
    }
    for kind, text in lines.items():
        toolbox_services.crisis_item_add(
            workspace=workspace, by=patient, kind=kind, text=text, contact="555 0101"
        )
    response = _start(patient_client)
    page = patient_client.post(
        reverse("patient:measure_response", args=[response.pk]),
        {"item-9": "2", "action": "next-2"},
    )
    body = patient_client.get(page.url).content.decode()
    plan_at = body.index('data-safety="crisis-plan"')
    for text in lines.values():
        assert text in body[plan_at:]
    assert "Surgery crisis line" in body and "+45 11 22 33 44" in body
    assert reverse("patient:crisis_plan") in body and "Open my full crisis plan" in body
    # The general steps stay, after the patient's own plan.
    assert body.index("Call your local emergency number") > body.index(lines[CrisisKind.SAFER])


def test_support_page_with_no_plan_keeps_the_emergency_contacts(patient_client):
    body = patient_client.get(reverse("patient:measures_support")).content.decode()
    assert "You have not written a crisis plan yet" in body
    assert "Make my crisis plan" in body and reverse("patient:crisis_plan") in body
    assert "Call your local emergency number" in body and "112" in body


def test_support_page_never_shows_another_patients_plan(patient_client, other_patient):
    toolbox_services.crisis_item_add(
        workspace=workspace_for(other_patient),
        by=other_patient,
        kind=CrisisKind.HELPER,
        text="Somebody else's neighbour",
    )
    body = patient_client.get(reverse("patient:measures_support")).content.decode()
    assert "Somebody else" not in body
