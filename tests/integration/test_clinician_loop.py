"""Capabilities wired together: a risk answer raises an urgent alert; a reliable worsening a
routine one; the caseload shows latest scores (only where shared) and unread messages."""

import uuid

import pytest
from django.urls import reverse

from alerts.models import Alert
from care import services as care
from care.sections import Section
from measures import services as measures
from messaging import services as messaging

pytestmark = pytest.mark.django_db


def answer_phq9(workspace, patient, answers):
    response = measures.response_start(workspace=workspace, instrument="phq9", by=patient)
    measures.response_save_answers(
        response=response, answers={str(i + 1): v for i, v in enumerate(answers)}, by=patient
    )
    return measures.response_complete(response=response, by=patient)


def test_phq9_item_9_raises_one_urgent_risk_alert(workspace, patient, gp_membership):
    answer_phq9(workspace, patient, [0, 0, 0, 0, 0, 0, 0, 0, 1])
    alert = Alert.objects.get(workspace=workspace, kind="risk")
    assert alert.severity == "urgent"


def test_a_reliable_worsening_raises_a_routine_deterioration_alert(
    workspace, patient, gp_membership
):
    answer_phq9(workspace, patient, [0] * 9)
    assert not Alert.objects.filter(kind="deterioration").exists()
    answer_phq9(workspace, patient, [2, 2, 2, 2, 2, 1, 1, 1, 0])
    alert = Alert.objects.get(workspace=workspace, kind="deterioration")
    assert alert.severity == "routine"


def test_caseload_shows_scores_only_where_measures_are_shared_and_unread_messages(
    client, workspace, patient, gp, gp_membership
):
    answer_phq9(workspace, patient, [1, 1, 1, 1, 1, 0, 0, 0, 0])
    thread = messaging.team_thread_for(workspace=workspace)
    messaging.message_send(
        thread=thread, sender=patient, body="Hello doctor", client_id=uuid.uuid4()
    )
    client.force_login(gp, backend="accounts.backends.EmailBackend")
    row = client.get(reverse("clinician:caseload")).content.decode()
    # A compact chip with the instrument's proper name, its total and band.
    assert '<abbr title="PHQ-9">PHQ-9</abbr> <strong>5</strong>' in row and "Mild" in row
    assert '<td data-column="unread">1</td>' in row
    care.sharing_update(membership=gp_membership, sections=[Section.PROGRESS], by=patient)
    row = client.get(reverse("clinician:caseload")).content.decode()
    assert 'data-instrument="phq9"' not in row


def test_caseload_shows_the_habit_streak_where_habits_are_shared(
    client, workspace, patient, gp, gp_membership
):
    import zoneinfo

    from django.utils import timezone

    from goals import services as goals

    habit = goals.habit_create(workspace=workspace, by=patient, name="Short walk")
    goals.habit_check_set(
        habit=habit,
        day=timezone.localdate(timezone=zoneinfo.ZoneInfo(patient.timezone)),
        by=patient,
    )
    client.force_login(gp, backend="accounts.backends.EmailBackend")
    page = client.get(reverse("clinician:caseload")).content.decode()
    assert '<td data-column="habit_streak">1 day' in page


def test_caseload_shows_the_latest_shared_check_in_but_never_a_private_one(
    client, workspace, patient, gp, gp_membership
):
    from datetime import timedelta

    from toolbox.models import CheckIn

    today = timezone_today(patient)
    CheckIn.objects.create(
        workspace=workspace, day=today - timedelta(days=1), mood=2, symptoms=4, energy=3, sleep=3
    )
    CheckIn.objects.create(
        workspace=workspace, day=today, mood=5, symptoms=1, energy=3, sleep=3, private=True
    )
    client.force_login(gp, backend="accounts.backends.EmailBackend")
    page = client.get(reverse("clinician:caseload")).content.decode()
    assert "mood 2/5, symptoms 4/5" in page
    assert "mood 5/5" not in page


def timezone_today(user):
    import zoneinfo

    from django.utils import timezone

    return timezone.localdate(timezone=zoneinfo.ZoneInfo(user.timezone))


def test_caseload_shows_programme_progress_where_progress_is_shared(
    client, workspace, patient, gp, gp_membership, therapist, therapist_membership
):
    from pathlib import Path

    from content import services as content
    from content.loader import pack_load

    programme = pack_load(
        Path(__file__).resolve().parents[2] / "content" / "packs" / "persistent-symptoms"
    ).programme
    enrolment = content.enrolment_start(workspace=workspace, programme=programme, by=patient)
    first = programme.modules.get(position=1).pages.get(position=1)
    content.page_complete(enrolment=enrolment, page=first, by=patient)
    total = content_pages(programme)
    client.force_login(gp, backend="accounts.backends.EmailBackend")
    page = client.get(reverse("clinician:caseload")).content.decode()
    assert f"1 of {total} pages" in page
    client.force_login(therapist, backend="accounts.backends.EmailBackend")  # nothing shared
    page = client.get(reverse("clinician:caseload")).content.decode()
    assert f"1 of {total} pages" not in page


def content_pages(programme):
    from content.models import Page

    return Page.objects.filter(
        module__programme=programme, retired=False, module__retired=False
    ).count()
