"""The patient's reader, overview, library, takeaways and dashboard card, without JavaScript."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from content import services
from content.models import Enrolment, Exercise, ExerciseAnswer, Page, PageProgress
from content.tests.helpers import grow


@pytest.fixture
def signed_in(client, patient):
    client.force_login(patient, backend="accounts.backends.EmailBackend")
    return client


def _page(slug):
    return Page.objects.get(slug=slug)


def test_reading_before_starting_records_nothing_and_offers_to_start(
    signed_in, programme, first_page
):
    response = signed_in.get(reverse("patient:programme_page", args=[first_page.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "A normal test does not mean your symptoms are imagined." in body
    assert "Start the programme" in body
    assert "If things feel too much" in body  # the safety note on every page
    assert not Enrolment.objects.exists()


def test_start_then_read_answer_complete_and_resume(signed_in, programme, patient, workspace):
    response = signed_in.post(reverse("patient:programme_start", args=[programme.pk]))
    first = programme.modules.get(position=1).pages.get(position=1)
    assert response.status_code == 302 and response.url == reverse(
        "patient:programme_page", args=[first.pk]
    )
    cycle_page = _page("the-symptom-cycle")
    assert signed_in.get(reverse("patient:programme_page", args=[cycle_page.pk])).status_code == 200
    # Save a draft without JavaScript: a plain form post.
    response = signed_in.post(
        reverse("patient:programme_page", args=[cycle_page.pk]),
        {
            "action": "answer",
            "exercise": "my-symptom-cycle",
            "situation": "On the bus",
            "submit": "0",
        },
    )
    assert response.status_code == 302
    answer = ExerciseAnswer.objects.get()
    assert answer.data == {"situation": "On the bus"} and answer.status == "draft"
    # The answer is shown again on the page.
    assert (
        "On the bus"
        in signed_in.get(reverse("patient:programme_page", args=[cycle_page.pk])).content.decode()
    )
    # Continue where you left off: the page last opened.
    response = signed_in.get(reverse("patient:programme_continue"))
    assert response.url == reverse("patient:programme_page", args=[cycle_page.pk])
    # Mark done and continue goes to the next page (module 2, page 1).
    response = signed_in.post(
        reverse("patient:programme_page", args=[cycle_page.pk]), {"action": "complete", "next": "1"}
    )
    following = programme.modules.get(position=2).pages.get(position=1)
    assert response.url == reverse("patient:programme_page", args=[following.pk])
    assert PageProgress.objects.get(page=cycle_page).completed_at is not None
    workspace.refresh_from_db()
    assert workspace.last_activity_at is not None


def test_an_oversized_answer_is_refused_with_the_typed_text_kept(signed_in, enrolment, patient):
    page = _page("the-symptom-cycle")
    exercise = Exercise.objects.get(slug="my-symptom-cycle")
    services.answer_save(
        enrolment=enrolment,
        exercise=exercise,
        data={"situation": "first"},
        by=patient,
        submit=False,
    )
    long_text = "word " * 300
    response = signed_in.post(
        reverse("patient:programme_page", args=[page.pk]),
        {"action": "answer", "exercise": "my-symptom-cycle", "situation": long_text, "submit": "1"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Please keep this under 1000 characters" in body
    assert long_text.strip() in body  # nothing they typed is lost
    assert ExerciseAnswer.objects.get().data == {"situation": "first"}


def test_a_submitted_answer_needs_its_required_fields(signed_in, enrolment):
    page = _page("the-symptom-cycle")
    response = signed_in.post(
        reverse("patient:programme_page", args=[page.pk]),
        {"action": "answer", "exercise": "my-symptom-cycle", "body": "tense", "submit": "1"},
    )
    assert response.status_code == 400
    assert "Please fill this in before saving." in response.content.decode()


def test_prescriber_note_shows_on_the_first_page(
    signed_in, workspace, gp, gp_membership, programme, first_page
):
    services.programme_prescribe(
        workspace=workspace, programme=programme, by=gp, note="Take it slowly, one page a day."
    )
    body = signed_in.get(reverse("patient:programme_page", args=[first_page.pk])).content.decode()
    assert "Take it slowly, one page a day." in body and gp.full_name in body


def test_pause_and_resume_from_the_overview(signed_in, enrolment):
    signed_in.post(reverse("patient:programme_pause", args=[enrolment.pk]), {"paused": "1"})
    enrolment.refresh_from_db()
    assert enrolment.status == "paused"
    assert (
        "The programme is paused."
        in signed_in.get(reverse("patient:programme_overview")).content.decode()
    )
    signed_in.post(reverse("patient:programme_pause", args=[enrolment.pk]), {"paused": "0"})
    enrolment.refresh_from_db()
    assert enrolment.status == "active"


def test_another_patients_enrolment_cannot_be_paused(client, other_patient, enrolment):
    client.force_login(other_patient, backend="accounts.backends.EmailBackend")
    response = client.post(reverse("patient:programme_pause", args=[enrolment.pk]), {"paused": "1"})
    assert response.status_code == 404
    enrolment.refresh_from_db()
    assert enrolment.status == "active"


def test_dashboard_card_shows_continue_and_module_progress(signed_in, enrolment, patient):
    page = _page("the-bodys-alarm-systems")
    services.page_visit(enrolment=enrolment, page=page, by=patient)
    body = signed_in.get(reverse("patient:dashboard")).content.decode()
    assert "Continue where you left off" in body
    assert "Next: The body&#x27;s alarm systems" in body or "Next: The body's alarm systems" in body
    assert "Understanding your symptoms" in body and "Self-care and the way forward" in body


def test_library_and_standalone_exercise(signed_in, programme):
    body = signed_in.get(reverse("patient:exercise_library")).content.decode()
    assert "My stress bucket" in body
    assert "What is one thing you learned" not in body  # reflections stay on their pages
    exercise = Exercise.objects.get(slug="my-stress-bucket")
    response = signed_in.post(
        reverse("patient:exercise_detail", args=[exercise.pk]),
        {
            "action": "answer",
            "exercise": exercise.slug,
            "filling": "Work",
            "level": "7",
            "taps": ["talking-to-someone"],
            "open_tap": "A walk at lunch",
            "submit": "1",
        },
    )
    assert response.status_code == 302
    answer = ExerciseAnswer.objects.get()
    assert answer.data == {
        "filling": "Work",
        "level": 7,
        "taps": ["talking-to-someone"],
        "open_tap": "A walk at lunch",
    }
    assert answer.page is None
    assert (
        "A walk at lunch" in signed_in.get(reverse("patient:programme_takeaways")).content.decode()
    )


def test_an_unknown_page_is_404(signed_in, programme):
    assert (
        signed_in.get(
            reverse("patient:programme_page", args=["00000000-0000-0000-0000-000000000000"])
        ).status_code
        == 404
    )


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "name",
    [
        "patient:programme_overview",
        "patient:exercise_library",
        "patient:programme_takeaways",
        "patient:dashboard",
    ],
)
def test_list_pages_use_the_same_number_of_queries_at_2_and_50_rows(
    signed_in, programme, enrolment, patient, name
):
    url = reverse(name)
    grow(programme=programme, enrolment=enrolment, patient=patient, n=2)
    small = _count(signed_in, url)
    grow(programme=programme, enrolment=enrolment, patient=patient, n=48, start=2)
    assert Exercise.objects.filter(slug__startswith="extra-").count() == 50
    assert _count(signed_in, url) == small
