"""A care-team member replies to a submitted answer; the patient is told and reads it."""

import pytest
from django.urls import reverse

from content import services
from content.models import AnswerFeedback, Exercise, ExerciseAnswer, Page


@pytest.fixture
def submitted(enrolment, patient):
    return services.answer_save(
        enrolment=enrolment,
        exercise=Exercise.objects.get(slug="my-symptom-cycle"),
        data={"situation": "At the dentist"},
        by=patient,
        submit=True,
        page=Page.objects.get(slug="the-symptom-cycle"),
    )


def _login(client, user):
    client.force_login(user, backend="accounts.backends.EmailBackend")


def test_gp_replies_and_the_patient_is_notified_until_they_read_it(
    client, gp, gp_membership, patient, workspace, submitted
):
    _login(client, gp)
    url = reverse("clinician:programme_answer_feedback", args=[workspace.pk, submitted.pk])
    assert (
        client.post(url, {"text": "Well spotted: the waiting room is a trigger."}).status_code
        == 302
    )
    feedback = AnswerFeedback.objects.get()
    assert feedback.author == gp and feedback.seen_at is None
    _login(client, patient)
    body = client.get(reverse("patient:dashboard")).content.decode()
    assert "You have a new reply from your care team." in body
    body = client.get(reverse("patient:programme_page", args=[submitted.page.pk])).content.decode()
    assert "Well spotted: the waiting room is a trigger." in body
    feedback.refresh_from_db()
    assert feedback.seen_at is not None
    assert "new reply" not in client.get(reverse("patient:dashboard")).content.decode()


def test_empty_or_oversized_reply_is_refused(client, gp, gp_membership, workspace, submitted):
    _login(client, gp)
    url = reverse("clinician:programme_answer_feedback", args=[workspace.pk, submitted.pk])
    for text in ("", "   ", "x" * 2001):
        client.post(url, {"text": text})
    assert not AnswerFeedback.objects.exists()


def test_therapist_without_journal_cannot_reply(
    client, therapist, therapist_membership, workspace, submitted
):
    _login(client, therapist)
    url = reverse("clinician:programme_answer_feedback", args=[workspace.pk, submitted.pk])
    assert client.post(url, {"text": "Hello"}).status_code == 403
    assert not AnswerFeedback.objects.exists()


def test_drafts_cannot_get_feedback(client, gp, gp_membership, workspace, enrolment, patient):
    draft = services.answer_save(
        enrolment=enrolment, exercise=Exercise.objects.get(slug="my-symptom-cycle"),
        data={"situation": "draft"}, by=patient, submit=False,
    )  # fmt: skip
    _login(client, gp)
    url = reverse("clinician:programme_answer_feedback", args=[workspace.pk, draft.pk])
    assert client.post(url, {"text": "Hello"}).status_code == 404
    assert ExerciseAnswer.objects.get().feedback.count() == 0


def test_api_feedback(
    gp, gp_membership, therapist, therapist_membership, patient, workspace, submitted
):
    from rest_framework.test import APIClient

    url = reverse("api:answer-feedback", args=[workspace.pk, submitted.pk])
    api = APIClient()
    api.force_authenticate(therapist)
    assert api.post(url, {"text": "hi"}, format="json").status_code == 403
    api.force_authenticate(patient)
    assert api.post(url, {"text": "talking to myself"}, format="json").status_code == 400
    api.force_authenticate(gp)
    assert api.post(url, {"text": "x" * 2001}, format="json").status_code == 400
    response = api.post(url, {"text": "Thank you for writing this down."}, format="json")
    assert response.status_code == 201
    api.force_authenticate(patient)
    answers = api.get(reverse("api:answer-list", args=[workspace.pk])).json()
    assert answers[0]["feedback"][0]["text"] == "Thank you for writing this down."
    assert AnswerFeedback.objects.count() == 1
