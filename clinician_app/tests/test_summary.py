"""The printable GP summary: shared sections only, logged, flat in the amount of data."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from care.sections import Section
from goals import services as goals
from guidance import services as guidance
from measures import services as measures
from messaging import services as messaging
from records.models import AccessLogEntry
from tests.factories import GPFactory, TherapistFactory, add_member

pytestmark = pytest.mark.django_db

PHQ9_MILD = {f"item-{i}": 1 for i in range(1, 8)} | {"item-8": 0, "item-9": 0}


def login(client, user):
    client.force_login(user, backend="accounts.backends.EmailBackend")
    return client


def _phq9(workspace, patient, answers):
    response = measures.response_start(workspace=workspace, instrument="phq9", by=patient)
    measures.response_save_answers(
        response=response, answers={int(k.split("-")[1]): v for k, v in answers.items()}, by=patient
    )
    return measures.response_complete(response=response, by=patient)


def _fill(workspace, patient, gp, membership, n: int) -> None:
    """``n`` of everything the summary reports."""
    for i in range(n):
        ladder = goals.ladder_create(workspace=workspace, by=patient, title=f"Walk {i} SECRET-GOAL")
        goals.step_add(ladder=ladder, by=patient, description=f"Step {i}")
        goals.habit_create(workspace=workspace, by=patient, name=f"Stretch {i}")
        _phq9(workspace, patient, PHQ9_MILD)
    thread = messaging.team_thread_for(workspace=workspace)
    for _ in range(n):
        messaging.message_send(thread=thread, sender=patient, body="Hi", client_id=uuid.uuid4())
    guidance.guidance_add(
        membership=membership,
        by=gp,
        kind="other",
        minutes=12,
        occurred_on=timezone.localdate(),
    )


def test_the_summary_shows_shared_sections_and_logs_each(client, workspace, patient, gp):
    membership = add_member(workspace, gp, list(Section))
    _fill(workspace, patient, gp, membership, 1)
    login(client, gp)
    response = client.get(reverse("clinician:patient_summary", args=[workspace.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "SECRET-GOAL" in page and 'data-instrument="phq9"' in page
    assert "current streak" in page and "12 minutes this month" in page
    assert "Generated" in page and gp.full_name in page
    assert "data-print" in page and "<script>" not in page  # no inline script (CSP)
    # The message counts are not mistaken for the site's flash messages (stray banners).
    assert 'class="messages"' not in page and "message-" not in page
    logged = set(
        AccessLogEntry.objects.filter(actor=gp, workspace=workspace).values_list(
            "section", flat=True
        )
    )
    assert {"summary", "progress", "measures", "goals", "habits"} <= logged


def test_an_unshared_section_is_not_in_the_summary(client, workspace, patient, gp):
    therapist = TherapistFactory()
    add_member(workspace, therapist, [Section.HABITS])
    membership = add_member(workspace, gp, list(Section))
    _fill(workspace, patient, gp, membership, 1)
    login(client, therapist)
    page = client.get(reverse("clinician:patient_summary", args=[workspace.pk])).content.decode()
    assert "SECRET-GOAL" not in page and 'data-instrument="phq9"' not in page
    assert page.count("Not shared.") == 3
    assert 'data-section="habits" data-shared="yes"' in page
    logged = set(AccessLogEntry.objects.filter(actor=therapist).values_list("section", flat=True))
    assert "goals" not in logged and "measures" not in logged and "habits" in logged


def test_the_summary_is_flat_in_the_amount_of_data(client, patient, workspace, gp):
    membership = add_member(workspace, gp, list(Section))
    login(client, gp)
    url = reverse("clinician:patient_summary", args=[workspace.pk])
    counts = []
    for n in (1, 5):
        _fill(workspace, patient, gp, membership, n)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts


def test_outsiders_get_404(client, workspace, gp_membership, outsider_clinician):
    other = GPFactory()
    url = reverse("clinician:patient_summary", args=[workspace.pk])
    assert login(client, outsider_clinician).get(url).status_code == 404
    assert login(client, other).get(url).status_code == 404
    assert not AccessLogEntry.objects.filter(actor__in=[outsider_clinician, other]).exists()


def test_last_activity_is_progress_and_shown_only_when_progress_is_shared(
    client, workspace, patient, gp
):
    therapist = TherapistFactory()
    add_member(workspace, therapist, [Section.HABITS])
    add_member(workspace, gp, [Section.PROGRESS])
    workspace.last_activity_at = timezone.make_aware(timezone.datetime(2026, 11, 3, 12, 0))
    workspace.save(update_fields=["last_activity_at"])
    url = reverse("clinician:patient_summary", args=[workspace.pk])
    page = login(client, therapist).get(url).content.decode()
    assert 'data-last-activity="not-shared"' in page and "3 Nov 2026" not in page
    assert not AccessLogEntry.objects.filter(actor=therapist, section="progress").exists()
    page = login(client, gp).get(url).content.decode()
    assert 'data-last-activity="shown"' in page and "3 Nov 2026" in page
    assert AccessLogEntry.objects.filter(actor=gp, section="progress").exists()
