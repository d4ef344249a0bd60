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


def test_a_reliable_worsening_raises_a_routine_deterioration_alert(workspace, patient, gp_membership):
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
    messaging.message_send(thread=thread, sender=patient, body="Hello doctor", client_id=uuid.uuid4())
    client.force_login(gp, backend="accounts.backends.EmailBackend")
    row = client.get(reverse("clinician:caseload")).content.decode()
    assert "PHQ9 5" in row and "Mild" in row
    assert '<td data-column="unread">1</td>' in row
    care.sharing_update(membership=gp_membership, sections=[Section.PROGRESS], by=patient)
    row = client.get(reverse("clinician:caseload")).content.decode()
    assert "PHQ9 5" not in row
