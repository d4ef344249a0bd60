"""Prescribing, the overview panels, the answers page and the API, with consent and logging."""

import wave
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from care.sections import Section
from content import services
from content.loader import pack_load
from content.models import Enrolment, Exercise, ExerciseAnswer, Page
from content.tests.conftest import PACK
from content.tests.helpers import grow
from records.models import AccessLogEntry


def _login(client, user):
    client.force_login(user, backend="accounts.backends.EmailBackend")
    return client


@pytest.fixture
def answered(enrolment, patient):
    cycle = Exercise.objects.get(slug="my-symptom-cycle")
    page = Page.objects.get(slug="the-symptom-cycle")
    services.page_complete(enrolment=enrolment, page=page, by=patient)
    services.answer_save(
        enrolment=enrolment,
        exercise=cycle,
        data={"situation": "In the queue at the post office"},
        by=patient,
        submit=True,
        page=page,
    )
    rhythm = Exercise.objects.get(slug="my-daily-rhythm")
    services.answer_save(
        enrolment=enrolment,
        exercise=rhythm,
        data={"one_change": "PRIVATE DRAFT"},
        by=patient,
        submit=False,
    )
    return enrolment


def test_gp_prescribes_from_the_clinician_face(client, gp, gp_membership, workspace, programme):
    _login(client, gp)
    url = reverse("clinician:programme_prescribe", args=[workspace.pk])
    assert client.get(url).status_code == 200
    values = programme.modules.get(slug="values")
    start = timezone.localdate() + timedelta(days=7)
    response = client.post(
        url,
        {
            "programme": programme.pk,
            "note": "See you in four weeks.",
            "start_on": str(start),
            "recommended_modules": [values.pk],
        },
    )
    assert response.status_code == 302
    enrolment = Enrolment.objects.get()
    assert enrolment.prescribed_by == gp and enrolment.start_on == start
    assert list(enrolment.recommended_modules.all()) == [values]


def test_prescribe_form_errors_change_nothing(client, gp, gp_membership, workspace, programme):
    _login(client, gp)
    url = reverse("clinician:programme_prescribe", args=[workspace.pk])
    response = client.post(
        url, {"programme": programme.pk, "note": "x" * 1001, "start_on": "not a date"}
    )
    assert response.status_code == 200
    assert not Enrolment.objects.exists()


def test_outsider_cannot_prescribe(client, outsider_clinician, workspace, programme):
    _login(client, outsider_clinician)
    response = client.post(
        reverse("clinician:programme_prescribe", args=[workspace.pk]), {"programme": programme.pk}
    )
    assert response.status_code == 404
    assert not Enrolment.objects.exists()


def test_gp_with_consent_sees_progress_and_answers_and_each_read_is_logged(
    client, gp, gp_membership, workspace, answered
):
    _login(client, gp)
    body = client.get(reverse("clinician:patient_overview", args=[workspace.pk])).content.decode()
    assert "Understanding your symptoms: 1 of 3 pages" in body
    assert "1 saved exercise answer." in body
    # The journal section's panel shows the shared journal entries beside the answers.
    assert "0 shared entries." in body
    body = client.get(reverse("clinician:programme_answers", args=[workspace.pk])).content.decode()
    assert "In the queue at the post office" in body
    assert "PRIVATE DRAFT" not in body  # drafts stay private
    sections = list(AccessLogEntry.objects.filter(actor=gp).values_list("section", flat=True))
    assert sections.count("journal") == 2 and sections.count("progress") == 1


def test_therapist_without_consent_gets_not_shared(
    client, therapist, therapist_membership, workspace, answered
):
    _login(client, therapist)
    body = client.get(reverse("clinician:patient_overview", args=[workspace.pk])).content.decode()
    assert "In the queue" not in body and "Understanding your symptoms" not in body
    response = client.get(reverse("clinician:programme_answers", args=[workspace.pk]))
    assert response.status_code == 403
    assert "In the queue" not in response.content.decode()
    assert not AccessLogEntry.objects.filter(actor=therapist, section="journal").exists()


def test_api_progress_and_answers_for_gp_are_logged(gp, gp_membership, workspace, answered):
    api = APIClient()
    api.force_authenticate(gp)
    progress = api.get(reverse("api:programme-progress", args=[workspace.pk])).json()
    first = progress[0]["modules"][0]
    assert (first["state"], first["completed"], first["total"]) == ("in_progress", 1, 3)
    answers = api.get(reverse("api:answer-list", args=[workspace.pk])).json()
    assert [a["data"] for a in answers] == [{"situation": "In the queue at the post office"}]
    assert answers[0]["exercise_version"] == 1
    assert set(
        AccessLogEntry.objects.filter(actor=gp, via="api").values_list("section", flat=True)
    ) == {"progress", "journal"}


def test_api_answer_section_follows_consent(gp, gp_membership, workspace, answered, patient):
    from care.services import sharing_update

    sharing_update(membership=gp_membership, sections=[Section.PROGRESS], by=patient)
    api = APIClient()
    api.force_authenticate(gp)
    assert api.get(reverse("api:programme-progress", args=[workspace.pk])).status_code == 200
    response = api.get(reverse("api:answer-list", args=[workspace.pk]))
    assert response.status_code == 403 and "In the queue" not in response.content.decode()


def test_owner_sees_own_drafts_in_the_api(patient, workspace, answered):
    api = APIClient()
    api.force_authenticate(patient)
    answers = api.get(reverse("api:answer-list", args=[workspace.pk])).json()
    assert {a["status"] for a in answers} == {"draft", "submitted"}


def test_api_autosave_saves_drafts_and_refuses_bad_input_keeping_the_draft(
    patient, workspace, programme
):
    api = APIClient()
    api.force_authenticate(patient)
    exercise = Exercise.objects.get(slug="my-symptom-cycle")
    url = reverse("api:answer-save", args=[workspace.pk, exercise.pk])
    response = api.put(url, {"data": {"situation": "draft one"}, "submit": False}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "draft"
    for bad in (
        {"data": {"situation": "x" * 5000}},
        {"data": {"situation": 12}},
        {"data": "text"},
        {"data": {"situation": "a"}, "page": "nope"},
        {},
    ):
        response = api.put(url, bad, format="json")
        assert response.status_code == 400, bad
    assert ExerciseAnswer.objects.get().data == {"situation": "draft one"}
    response = api.put(
        url,
        {"data": {"situation": "a"}, "page": "00000000-0000-0000-0000-000000000000"},
        format="json",
    )
    assert response.status_code == 404


def test_a_patient_cannot_write_or_read_another_patients_answers(
    other_patient, workspace, answered
):
    api = APIClient()
    api.force_authenticate(other_patient)
    exercise = Exercise.objects.get(slug="my-symptom-cycle")
    response = api.put(
        reverse("api:answer-save", args=[workspace.pk, exercise.pk]),
        {"data": {"situation": "hijack"}},
        format="json",
    )
    assert response.status_code == 404
    assert api.get(reverse("api:answer-list", args=[workspace.pk])).status_code == 404
    assert not ExerciseAnswer.objects.filter(data__situation="hijack").exists()


def test_api_page_progress_and_enrolment(patient, workspace, programme, gp, gp_membership):
    api = APIClient()
    api.force_authenticate(patient)
    page = Page.objects.get(slug="sleep")
    response = api.put(
        reverse("api:page-progress", args=[workspace.pk, page.pk]),
        {"completed": True},
        format="json",
    )
    assert response.status_code == 204
    assert Enrolment.objects.get().pages.get().completed_at is not None
    doctor = APIClient()
    doctor.force_authenticate(gp)
    values = programme.modules.get(slug="values")
    response = doctor.post(
        reverse("api:enrolment-create", args=[workspace.pk]),
        {"programme": str(programme.pk), "note": "Hello", "recommended_modules": [str(values.pk)]},
        format="json",
    )
    assert response.status_code == 201 and response.json()["prescribed_by"] == gp.full_name
    other = Page.objects.get(slug="sleep").module.programme.modules.first()
    response = doctor.post(
        reverse("api:enrolment-create", args=[workspace.pk]),
        {
            "programme": str(programme.pk),
            "recommended_modules": [str(other.pk), "00000000-0000-0000-0000-000000000000"],
        },
        format="json",
    )
    assert response.status_code == 400


def test_content_api_and_media(patient, programme):
    api = APIClient()
    api.force_authenticate(patient)
    listing = api.get(reverse("api:programme-list")).json()
    assert listing[0]["slug"] == "persistent-symptoms"
    detail = api.get(reverse("api:programme-detail", args=[programme.pk])).json()
    assert len(detail["modules"]) == 7 and len(detail["modules"][0]["pages"]) == 3
    page = Page.objects.get(slug="the-symptom-cycle")
    body = api.get(reverse("api:programme-page-detail", args=[page.pk])).json()
    assert {e["slug"] for e in body["exercises"]} == {
        "my-symptom-cycle",
        "understanding-your-symptoms--the-symptom-cycle--reflection-4",
    }
    media = api.get(reverse("api:programme-media", args=[programme.pk, "body-alarm.svg"]))
    assert media.status_code == 200 and media["Content-Type"] == "image/svg+xml"
    assert b"<svg" in media.content and "sandbox" in media["Content-Security-Policy"]
    assert (
        api.get(reverse("api:programme-media", args=[programme.pk, "nope.svg"])).status_code == 404
    )


def test_audio_and_video_blocks_load_and_render(tmp_path, db, patient, client):
    import shutil

    pack = tmp_path / "pack"
    shutil.copytree(PACK, pack)
    with wave.open(str(pack / "media" / "breath.wav"), "wb") as out:
        out.setnchannels(1), out.setsampwidth(2), out.setframerate(8000)
        out.writeframes(b"\x00\x00" * 800)
    (pack / "media" / "clip.webm").write_bytes(b"\x1a\x45\xdf\xa3tiny")
    (pack / "media" / "clip.vtt").write_text("WEBVTT\n\n00:00.000 --> 00:01.000\nHello\n")
    # The page and its Danish and Norwegian versions change together (a translation must keep
    # the pack's blocks).
    for module in [pack / "modules" / "03-stress.yaml",
                   *(pack / "translations").glob("*/modules/03-stress.yaml")]:  # fmt: skip
        module.write_text(
            module.read_text().replace(
                "        transcript_file: pages/stress-breathing-transcript.md\n",
                "        transcript_file: pages/stress-breathing-transcript.md\n        src: breath.wav\n"
                "      - type: video\n        title: A short film\n        src: clip.webm\n        captions: clip.vtt\n"
                "        transcript: The words of the film.\n",
            )
        )
    pack_load(pack)
    page = Page.objects.get(slug="calm-breathing")
    _login(client, patient)
    body = client.get(reverse("patient:programme_page", args=[page.pk])).content.decode()
    assert "<audio controls" in body and "breath.wav" in body
    assert '<track kind="captions"' in body and "clip.vtt" in body
    assert "The words of the film." in body and "Let your shoulders drop" in body


def test_a_video_without_captions_is_refused(tmp_path, db):
    import shutil

    from content.loader import PackInvalid

    pack = tmp_path / "pack"
    shutil.copytree(PACK, pack)
    (pack / "media" / "clip.webm").write_bytes(b"x")
    module = pack / "modules" / "03-stress.yaml"
    module.write_text(module.read_text().replace(
        "      - type: exercise\n        exercise: calm-breathing-check\n",
        "      - type: video\n        title: Film\n        src: clip.webm\n        transcript: words\n      - type: exercise\n        exercise: calm-breathing-check\n",
    ))  # fmt: skip
    with pytest.raises(PackInvalid, match="'captions' must name a file"):
        pack_load(pack)


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    ("name", "with_workspace"),
    [
        ("api:programme-progress", True),
        ("api:answer-list", True),
        ("api:exercise-list", False),
        ("clinician:programme_answers", True),
        ("clinician:patient_overview", True),
    ],
)
def test_list_endpoints_use_the_same_number_of_queries_at_2_and_50_rows(
    client, gp, gp_membership, workspace, programme, enrolment, patient, name, with_workspace
):
    _login(client, gp)
    url = reverse(name, args=[workspace.pk] if with_workspace else [])
    grow(programme=programme, enrolment=enrolment, patient=patient, n=2)
    small = _count(client, url)
    grow(programme=programme, enrolment=enrolment, patient=patient, n=48, start=2)
    assert _count(client, url) == small


def test_programme_list_uses_the_same_number_of_queries_at_2_and_50_programmes(client, patient):
    from content.models import Programme

    _login(client, patient)
    url = reverse("api:programme-list")
    for i in range(2):
        Programme.objects.create(slug=f"p-{i}", title=f"P {i}")
    small = _count(client, url)
    for i in range(2, 50):
        Programme.objects.create(slug=f"p-{i}", title=f"P {i}")
    assert _count(client, url) == small


def _prescribe_api(user, workspace, programme, note):
    api = APIClient()
    api.force_authenticate(user)
    return api.post(
        reverse("api:enrolment-create", args=[workspace.pk]),
        {"programme": str(programme.pk), "note": note},
        format="json",
    )


def test_prescribing_without_progress_reveals_no_progress_and_logs_no_read(
    workspace, patient, gp, gp_membership, therapist, therapist_membership, programme, first_page
):
    enrolment = services.enrolment_start(workspace=workspace, programme=programme, by=patient)
    services.page_visit(enrolment=enrolment, page=first_page, by=patient)
    response = _prescribe_api(therapist, workspace, programme, "From the therapist")
    assert response.status_code == 201
    body = response.json()
    assert body["note"] == "From the therapist" and body["enrolment"] == str(enrolment.pk)
    assert not {"status", "last_page", "last_visited_at", "paused_at"} & set(body)
    assert str(first_page.pk) not in response.content.decode()
    assert not AccessLogEntry.objects.filter(actor=therapist, section="progress").exists()


def test_prescribing_with_progress_shows_it_and_logs_the_read(
    workspace, patient, gp, gp_membership, programme, first_page
):
    enrolment = services.enrolment_start(workspace=workspace, programme=programme, by=patient)
    services.page_visit(enrolment=enrolment, page=first_page, by=patient)
    response = _prescribe_api(gp, workspace, programme, "From the GP")
    assert response.status_code == 201 and response.json()["last_page"] == str(first_page.pk)
    assert AccessLogEntry.objects.filter(
        actor=gp, workspace=workspace, section="progress", via="api"
    ).exists()


def test_a_second_prescriber_does_not_overwrite_the_first_note(
    client, workspace, patient, gp, gp_membership, therapist, therapist_membership, programme,
    first_page,
):  # fmt: skip
    assert _prescribe_api(gp, workspace, programme, "GP: one page a day").status_code == 201
    assert (
        _prescribe_api(therapist, workspace, programme, "Therapist: try the diary").status_code
        == 201
    )
    enrolment = Enrolment.objects.get()
    assert [(p.prescribed_by, p.note) for p in enrolment.prescriptions.order_by("created_at")] == [
        (gp, "GP: one page a day"),
        (therapist, "Therapist: try the diary"),
    ]
    page = _login(client, patient).get(reverse("patient:programme_page", args=[first_page.pk]))
    body = page.content.decode()
    assert "GP: one page a day" in body and "Therapist: try the diary" in body
