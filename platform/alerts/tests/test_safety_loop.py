"""The safety loop closes every time: a risk answer always reaches a responsible person.

Each test names the hazard it controls (docs/hazard-log.md, H4 and H14-H20). The answers go
through the real measures services and the pages through the real views; e-mail goes to
Django's outbox after a real commit callback.
"""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organisation
from alerts import selectors, services
from alerts.models import Alert, AlertTrigger
from alerts.policies import alerts_visible_to
from care import policies
from care import services as care_services
from care.models import CareTeamMembership
from care.sections import Section
from measures import services as measures
from measures.models import Response, SafetyEvent
from records.models import AccessLogEntry, AuditEvent
from tests.factories import (
    DutyFactory,
    GPFactory,
    PatientFactory,
    TherapistFactory,
    add_member,
    workspace_for,
)

pytestmark = pytest.mark.django_db

SITE = "https://care.example.test"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.ALERTS_SITE_URL = SITE


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run the block's on-commit callbacks (the e-mails) as a real commit would."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


def login(client, user):
    client.force_login(user, backend="accounts.backends.EmailBackend")
    return client


def answer_phq9(workspace, patient, answers, *, finish=False):
    response = measures.response_start(workspace=workspace, instrument="phq9", by=patient)
    result = measures.response_save_answers(response=response, answers=answers, by=patient)
    if finish:
        measures.response_complete(response=response, by=patient)
    response.refresh_from_db()
    return response, result


def finish_phq9(workspace, patient, total):
    """A completed PHQ-9 with this total (item 9 kept at 0)."""
    answers, left = {}, total
    for item in range(1, 9):
        answers[item] = min(3, left)
        left -= answers[item]
    answers[9] = 0
    assert left == 0
    return answer_phq9(workspace, patient, answers, finish=True)[0]


def risk_alert(workspace):
    return Alert.objects.get(workspace=workspace, kind="risk")


# --- 1. safety information is not a shareable section ----------------------------------------


def test_a_gp_who_sees_only_progress_sees_the_risk_alert_and_only_its_safety_details(
    client, workspace, patient, gp, commit
):
    """H14: a risk alert hidden by consent. The GP sees the answer, never the scores."""
    add_member(workspace, gp, [Section.PROGRESS])
    with commit():
        response, _ = answer_phq9(
            workspace, patient, dict.fromkeys(range(1, 9), 3) | {9: 2}, finish=True
        )
    alert = risk_alert(workspace)
    assert alert.section == "" and list(alerts_visible_to(gp)) == [alert]
    page = login(client, gp).get(reverse("clinician:alert_detail", args=[alert.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert 'data-answer="2"' in body and "More than half the days" in body
    assert "PHQ-9" in body and "Item 9" in body
    assert 'data-crisis-plan="no"' in body
    assert str(response.total) + " out of 27" not in body, "no score of an unshared section"
    logged = AccessLogEntry.objects.filter(workspace=workspace, actor=gp)
    assert {"alerts", "safety"} <= set(logged.values_list("section", flat=True))
    # ... and the caseload counts it.
    caseload = client.get(reverse("clinician:caseload")).content.decode()
    assert "1 urgent" in caseload


def test_the_patient_is_told_before_the_first_questionnaire_and_on_the_sharing_page(
    client, workspace, patient, gp
):
    add_member(workspace, gp, [])
    login(client, patient)
    overview = client.get(reverse("patient:measures")).content.decode()
    sharing = client.get(reverse("patient:sharing")).content.decode()
    for body in (overview, sharing):
        assert 'data-safety="promise"' in body
        assert "whatever you share" in body.lower()
    response = measures.response_start(workspace=workspace, instrument="phq9", by=patient)
    form = client.get(reverse("patient:measure_response", args=[response.pk])).content.decode()
    assert 'data-safety="promise"' in form


# --- 2. a named lead ---------------------------------------------------------------------------


def test_the_lead_is_the_prescriber_by_default_and_the_patient_sees_who(
    client, workspace, patient, gp, therapist
):
    from pathlib import Path

    from content.loader import pack_load
    from content.services import programme_prescribe

    add_member(workspace, gp, [])
    therapist_membership = add_member(workspace, therapist, [])
    assert policies.lead_membership(workspace).clinician == gp, "longest-standing first"
    pack = Path(__file__).resolve().parents[3] / "content" / "packs" / "persistent-symptoms"
    programme = pack_load(pack).programme
    programme_prescribe(workspace=workspace, programme=programme, by=therapist)
    assert policies.lead_membership(workspace) == therapist_membership
    body = login(client, patient).get(reverse("patient:care_team")).content.decode()
    assert 'data-lead="yes"' in body and "Tom Therapist" in body


def test_a_chosen_lead_stands_over_a_later_prescription(workspace, patient, gp, therapist):
    gp_membership = add_member(workspace, gp, [])
    therapist_membership = add_member(workspace, therapist, [])
    care_services.lead_set(membership=therapist_membership, by=patient)
    care_services.lead_set(membership=gp_membership, by=gp, how="prescriber")
    assert policies.lead_membership(workspace) == therapist_membership
    assert AuditEvent.objects.filter(action="care.lead.set").count() == 1


def test_nobody_outside_the_team_can_choose_the_lead(workspace, patient, gp):
    gp_membership = add_member(workspace, gp, [])
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        care_services.lead_set(membership=gp_membership, by=GPFactory())
    with pytest.raises(ValidationError):
        care_services.lead_set(membership=gp_membership, by=PatientFactory())
    assert not CareTeamMembership.objects.exclude(lead="").exists()


def test_a_cover_hands_the_leads_risk_alerts_to_the_covering_colleague(
    workspace, patient, gp, commit
):
    """H15: the lead is away and nobody is told."""
    from tests.factories import local_today

    add_member(workspace, gp, [])
    colleague = GPFactory(organisation=gp.organisation, email="cover@example.test")
    today = local_today(gp)
    cover = care_services.cover_create(
        absent=gp, colleague=colleague, starts_on=today, ends_on=today + timedelta(days=3)
    )
    care_services.cover_start(cover=cover)
    assert selectors.risk_reach(workspace=workspace).covering_name == colleague.full_name
    with commit():
        answer_phq9(workspace, patient, {9: 1})
    assert [m.to for m in mail.outbox] == [["cover@example.test"]]


# --- 3. immediate, content-free notice; escalation on time, each once --------------------------


def test_the_lead_is_emailed_at_once_with_a_link_and_no_content(workspace, patient, gp, commit):
    add_member(workspace, gp, [])
    with commit():
        answer_phq9(workspace, patient, {9: 2})
    alert = risk_alert(workspace)
    assert [m.to for m in mail.outbox] == [[gp.email]]
    message = mail.outbox[0]
    text = message.subject + message.body
    assert SITE + reverse("clinician:alert_detail", args=[alert.pk]) in message.body
    for secret in (patient.full_name, patient.email, "PHQ", "item 9", "harm", "risk", "dead"):
        assert secret.lower() not in text.lower()
    assert alert.notified_at is not None


def test_nobody_acknowledges_members_then_the_duty_contact_are_told_each_once(
    workspace, patient, gp, therapist, commit
):
    """H16: the time machine. Lead at once; the others at 60 minutes; the duty contact 60
    minutes later; then nothing more, however long it waits."""
    add_member(workspace, gp, [])
    add_member(workspace, therapist, [])
    duty = DutyFactory(organisation=gp.organisation, email="duty@example.test")
    start = timezone.now()
    with time_machine.travel(start, tick=False), commit():
        answer_phq9(workspace, patient, {9: 3})
    told = lambda: [tuple(m.to) for m in mail.outbox]  # noqa: E731
    assert told() == [(gp.email,)]
    for minutes, expected in (
        (30, [(gp.email,)]),
        (59, [(gp.email,)]),
        (60, [(gp.email,), (therapist.email,)]),
        (90, [(gp.email,), (therapist.email,)]),
        (119, [(gp.email,), (therapist.email,)]),
        (120, [(gp.email,), (therapist.email,), (duty.email,)]),
        (60 * 24 * 3, [(gp.email,), (therapist.email,), (duty.email,)]),
    ):
        with time_machine.travel(start + timedelta(minutes=minutes), tick=False), commit():
            services.alerts_escalate_due()
        assert told() == expected, f"after {minutes} minutes"
    alert = risk_alert(workspace)
    assert alert.escalation_level == Alert.Escalation.DUTY_CONTACT
    assert list(alerts_visible_to(duty)) == [alert]


def test_a_second_risk_answer_before_the_hour_does_not_hurry_the_team_step(
    workspace, patient, gp, therapist, commit
):
    """Each step waits for its own time, whoever calls the escalation: a later answer that
    adds a source to the open alert (and so runs the escalation again) tells nobody new."""
    add_member(workspace, gp, [])
    add_member(workspace, therapist, [])
    start = timezone.now()
    with time_machine.travel(start, tick=False), commit():
        answer_phq9(workspace, patient, {9: 1})
    with time_machine.travel(start + timedelta(minutes=30), tick=False), commit():
        services.alert_escalate(alert=risk_alert(workspace))
        services.alert_raise(
            workspace=workspace, kind="risk", severity="urgent", source_id="later-answer"
        )
    assert [m.to for m in mail.outbox] == [[gp.email]]
    assert risk_alert(workspace).escalation_level == Alert.Escalation.NONE


def test_the_escalation_times_are_configurable(settings, workspace, patient, gp, therapist, commit):
    settings.ALERTS_ESCALATE_TO_TEAM_AFTER = timedelta(minutes=15)
    add_member(workspace, gp, [])
    add_member(workspace, therapist, [])
    start = timezone.now()
    with time_machine.travel(start, tick=False), commit():
        answer_phq9(workspace, patient, {9: 1})
    with commit():
        services.alerts_escalate_due(now=start + timedelta(minutes=16))
    assert mail.outbox[-1].to == [therapist.email]


def test_acknowledging_stops_every_later_step(workspace, patient, gp, therapist, commit):
    add_member(workspace, gp, [])
    add_member(workspace, therapist, [])
    DutyFactory(organisation=gp.organisation)
    start = timezone.now()
    with time_machine.travel(start, tick=False), commit():
        answer_phq9(workspace, patient, {9: 1})
    services.alert_acknowledge(alert=risk_alert(workspace), by=gp)
    with commit():
        assert services.alerts_escalate_due(now=start + timedelta(days=2)) == 0
    assert len(mail.outbox) == 1


# --- 4. no care team; nobody at all ------------------------------------------------------------


def test_with_no_care_team_the_organisations_duty_contact_is_told_at_once_and_sees_who_it_is(
    client, workspace, patient, gp, commit
):
    """H17: a patient whose care team ended is still someone's responsibility."""
    membership = add_member(workspace, gp, [])
    care_services.membership_end(membership=membership, by=patient)
    duty = DutyFactory(organisation=gp.organisation, email="duty@example.test")
    other_duty = DutyFactory(organisation=Organisation.objects.create(name="Elsewhere"))
    assert selectors.risk_reach(workspace=workspace).who == "duty"
    with commit():
        answer_phq9(workspace, patient, {9: 2})
    alert = risk_alert(workspace)
    assert [m.to for m in mail.outbox] == [["duty@example.test"]]
    assert alert.escalation_level == Alert.Escalation.DUTY_CONTACT
    page = login(client, duty).get(reverse("clinician:alert_detail", args=[alert.pk]))
    body = page.content.decode()
    assert page.status_code == 200 and patient.full_name in body and patient.email in body
    assert 'data-answer="2"' in body
    duty_reads = AccessLogEntry.objects.filter(workspace=workspace, actor=duty, via="duty")
    assert {"alerts", "safety", "contact"} <= set(duty_reads.values_list("section", flat=True))
    queue = client.get(reverse("clinician:duty")).content.decode()
    assert f'data-alert="{alert.pk}"' in queue
    # The duty contact can take it on and close it.
    assert client.post(reverse("clinician:alert_acknowledge", args=[alert.pk])).status_code == 302
    # Another organisation's duty contact: 404, as for anyone who may not know it exists.
    assert (
        login(client, other_duty)
        .get(reverse("clinician:alert_detail", args=[alert.pk]))
        .status_code
        == 404
    )


def test_a_duty_contact_does_not_see_alerts_the_care_team_is_handling(
    client, workspace, patient, gp
):
    add_member(workspace, gp, [])
    duty = DutyFactory(organisation=gp.organisation)
    answer_phq9(workspace, patient, {9: 2})
    alert = risk_alert(workspace)
    assert not alerts_visible_to(duty).exists()
    page = login(client, duty).get(reverse("clinician:alert_detail", args=[alert.pk]))
    assert page.status_code == 404
    assert client.get(reverse("clinician:caseload")).status_code == 403
    assert client.get(reverse("clinician:patient_overview", args=[workspace.pk])).status_code == 403


def test_with_nobody_at_all_nothing_is_claimed_and_the_alert_waits(
    client, workspace, patient, commit
):
    """H18: finding 5: recorded as 'escalated' to 0 recipients. Now: never claimed."""
    with commit():
        _response, result = answer_phq9(workspace, patient, {9: 3})
    alert = risk_alert(workspace)
    assert alert.escalation_level == Alert.Escalation.NONE and alert.notified_at is None
    assert alert.unassigned_at is not None
    assert mail.outbox == []
    assert not AuditEvent.objects.filter(action="alerts.alert.escalated").exists()
    assert AuditEvent.objects.filter(action="alerts.alert.unassigned").count() == 1
    with commit():
        services.alerts_escalate_due(now=timezone.now() + timedelta(days=1))
    assert AuditEvent.objects.filter(action="alerts.alert.unassigned").count() == 1, "once"
    body = login(client, patient).get(reverse("patient:measures_support")).content.decode()
    assert "Nobody here has been told" in body and "passed on" not in body


def test_an_unassigned_alert_reaches_the_duty_contact_once_there_is_one(
    workspace, patient, gp, commit
):
    membership = add_member(workspace, gp, [])
    care_services.membership_end(membership=membership, by=patient)
    with commit():
        answer_phq9(workspace, patient, {9: 1})
    alert = risk_alert(workspace)
    assert alert.unassigned_at is not None and mail.outbox == []
    assert list(alert.duty_organisations.all()) == [gp.organisation], "the organisation's queue"
    duty = DutyFactory(organisation=gp.organisation, email="duty@example.test")
    assert list(selectors.duty_queue(user=duty)) == [alert]
    with commit():
        assert services.alerts_escalate_due() == 1
    alert.refresh_from_db()
    assert alert.unassigned_at is None and alert.escalation_level == Alert.Escalation.DUTY_CONTACT
    assert [m.to for m in mail.outbox] == [["duty@example.test"]]


def test_a_one_clinician_team_without_a_duty_contact_does_not_claim_an_escalation(
    workspace, patient, gp, commit
):
    add_member(workspace, gp, [])
    start = timezone.now()
    with time_machine.travel(start, tick=False), commit():
        answer_phq9(workspace, patient, {9: 1})
    with commit():
        services.alerts_escalate_due(now=start + timedelta(hours=3))
    alert = risk_alert(workspace)
    assert alert.escalation_level == Alert.Escalation.NONE and alert.unassigned_at is not None
    assert [m.to for m in mail.outbox] == [[gp.email]]
    assert not AuditEvent.objects.filter(action="alerts.alert.escalated").exists()


# --- 5. every risk answer counts ---------------------------------------------------------------


def test_a_new_risk_answer_after_acknowledgement_reopens_and_restarts_escalation(
    workspace, patient, gp, commit
):
    """H19: finding 2: a later answer folded into an acknowledged alert."""
    add_member(workspace, gp, [])
    with commit():
        answer_phq9(workspace, patient, dict.fromkeys(range(1, 9), 0) | {9: 1}, finish=True)
    alert = risk_alert(workspace)
    services.alert_acknowledge(alert=alert, by=gp)
    later = timezone.now() + timedelta(days=7)
    with time_machine.travel(later, tick=False), commit():
        answer_phq9(workspace, patient, {9: 3})
    alert.refresh_from_db()
    assert alert.status == Alert.Status.OPEN and alert.acknowledged_by is None
    assert alert.opened_at >= later and alert.escalation_level == 0
    assert [m.to for m in mail.outbox] == [[gp.email], [gp.email]], "the lead is told again"
    assert AuditEvent.objects.filter(action="alerts.alert.reopened").count() == 1
    assert Alert.objects.filter(workspace=workspace, kind="risk").count() == 1


def test_changing_an_answer_upward_updates_the_risk_record_and_keeps_the_history(
    client, workspace, patient, gp, commit
):
    """H20: finding 3: the record stayed at the first answer."""
    add_member(workspace, gp, [])
    response, _ = answer_phq9(workspace, patient, {9: 1})
    services.alert_acknowledge(alert=risk_alert(workspace), by=gp)
    with commit():
        _r, result = answer_phq9(workspace, patient, {9: 3})
    assert result.new_safety_event, "the support page is shown again"
    event = SafetyEvent.objects.get(response=response)
    assert event.value == 3 and [h["value"] for h in event.history] == [1, 3]
    assert risk_alert(workspace).status == Alert.Status.OPEN, "a higher answer re-opens"
    answer_phq9(workspace, patient, {9: 2})
    event.refresh_from_db()
    assert event.value == 3, "the highest stands"
    assert [h["value"] for h in event.history] == [1, 3, 2]
    body = (
        login(client, gp)
        .get(reverse("clinician:alert_detail", args=[risk_alert(workspace).pk]))
        .content.decode()
    )
    assert 'data-answer="3"' in body and "Nearly every day" in body


def test_a_double_submit_makes_one_event_and_one_alert(workspace, patient, gp, commit):
    add_member(workspace, gp, [])
    response = measures.response_start(workspace=workspace, instrument="phq9", by=patient)
    with commit():
        for _ in range(2):
            measures.response_save_answers(response=response, answers={"9": "2"}, by=patient)
    assert SafetyEvent.objects.count() == 1 and Alert.objects.count() == 1
    assert AlertTrigger.objects.count() == 1 and len(mail.outbox) == 1


# --- 7. deterioration and a severe first score -------------------------------------------------


def test_deterioration_is_checked_against_the_previous_score_too(workspace, patient, gp):
    add_member(workspace, gp, [Section.MEASURES])
    for total in (20, 5):
        finish_phq9(workspace, patient, total)
    assert not Alert.objects.filter(kind="deterioration").exists()
    finish_phq9(workspace, patient, 19)  # 19 vs baseline 20: no change; vs previous 5: worse
    assert Alert.objects.filter(kind="deterioration").count() == 1


def test_deterioration_against_the_baseline(workspace, patient, gp):
    add_member(workspace, gp, [Section.MEASURES])
    for total in (4, 8, 10):  # each step under 6, but 10 is 6 above the baseline
        finish_phq9(workspace, patient, total)
    assert Alert.objects.filter(kind="deterioration").count() == 1


@pytest.mark.parametrize(
    ("instrument", "total", "urgent"),
    [("phq9", 20, True), ("phq9", 19, False), ("gad7", 15, True), ("gad7", 14, False)],
)
def test_a_severe_first_score_raises_an_urgent_review_alert(
    workspace, patient, gp, instrument, total, urgent
):
    add_member(workspace, gp, [Section.MEASURES])
    response = measures.response_start(workspace=workspace, instrument=instrument, by=patient)
    items = 9 if instrument == "phq9" else 7
    answers, left = {}, total
    for item in range(1, items + 1):
        value = 0 if item == 9 else min(3, left)
        answers[item], left = value, left - value
    measures.response_save_answers(response=response, answers=answers, by=patient)
    measures.response_complete(response=response, by=patient)
    alerts = Alert.objects.filter(kind="severe_score")
    assert alerts.exists() is urgent
    if urgent:
        assert alerts.get().severity == Alert.Severity.URGENT
        assert alerts.get().section == "measures"


def test_a_severe_later_score_is_deterioration_not_a_first_score_alert(workspace, patient, gp):
    add_member(workspace, gp, [Section.MEASURES])
    finish_phq9(workspace, patient, 12)
    finish_phq9(workspace, patient, 22)
    assert not Alert.objects.filter(kind="severe_score").exists()
    assert Alert.objects.filter(kind="deterioration").exists()


# --- bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value", ["4", "-1", "9" * 30, "two", "%00", "%ED%A0%80", "1.0", "%C0%AF", "3%003"]
)
def test_an_answer_out_of_range_is_refused_and_changes_nothing(client, workspace, patient, value):
    """Out of range, not a number, NUL, a lone surrogate (as UTF-8 bytes), overlong UTF-8."""
    response = measures.response_start(workspace=workspace, instrument="phq9", by=patient)
    url = reverse("patient:measure_response", args=[response.pk])
    page = login(client, patient).post(
        url,
        data=f"item-9={value}&action=finish",
        content_type="application/x-www-form-urlencoded",
    )
    assert page.status_code == 400
    response.refresh_from_db()
    assert response.answers == {} and not SafetyEvent.objects.exists()
    assert not Alert.objects.exists()


def test_a_finished_response_cannot_be_changed(client, workspace, patient):
    response = finish_phq9(workspace, patient, 10)
    url = reverse("patient:measure_response", args=[response.pk])
    page = login(client, patient).post(url, {"item-9": "3", "action": "finish"})
    assert page.status_code in (200, 400)
    response.refresh_from_db()
    assert response.answers["9"] == 0 and response.total == 10
    assert not SafetyEvent.objects.exists() and not Alert.objects.exists()


def test_another_patients_response_is_404_and_unchanged(client, workspace, patient):
    other = PatientFactory()
    theirs = measures.response_start(workspace=workspace_for(other), instrument="phq9", by=other)
    url = reverse("patient:measure_response", args=[theirs.pk])
    page = login(client, patient).post(url, {"item-9": "3", "action": "finish"})
    assert page.status_code == 404
    theirs.refresh_from_db()
    assert theirs.answers == {} and theirs.status == Response.Status.IN_PROGRESS
    assert not SafetyEvent.objects.exists()


def test_a_therapist_without_measures_may_acknowledge_the_risk_event(workspace, patient):
    therapist = TherapistFactory()
    add_member(workspace, therapist, [])
    answer_phq9(workspace, patient, {9: 1})
    event = SafetyEvent.objects.get()
    measures.safety_event_acknowledge(event=event, by=therapist)
    event.refresh_from_db()
    assert event.status == SafetyEvent.Status.ACKNOWLEDGED


def test_after_discharge_a_risk_answer_still_reaches_the_organisations_duty_contact(
    workspace, patient, gp, commit
):
    """H29: discharge ends the care team's access, never the safety loop."""
    from care import courses

    add_member(workspace, gp, [])
    DutyFactory(organisation=gp.organisation, email="duty@example.test")
    courses.course_discharge(
        course=courses.open_course(workspace),
        by=gp,
        worked_on="Pacing.",
        next_steps="Call the practice if things get worse.",
    )
    assert not policies.current_members(workspace)
    assert selectors.risk_reach(workspace=workspace).who == "duty"
    with commit():
        answer_phq9(workspace, patient, {9: 3})
    alert = risk_alert(workspace)
    assert alert.escalation_level == Alert.Escalation.DUTY_CONTACT
    assert [m.to for m in mail.outbox] == [["duty@example.test"]]
