"""Prescribing, starting, pausing, progress, resume and answers."""

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from content import selectors, services
from content.models import Enrolment, Exercise, ExerciseAnswer, Page
from records.models import AuditEvent


@pytest.fixture
def cycle(programme):
    return Exercise.objects.get(slug="my-symptom-cycle")


def test_a_gp_in_the_care_team_prescribes_with_a_note_and_modules(
    workspace, gp, gp_membership, programme
):
    lifestyle = programme.modules.get(slug="lifestyle")
    enrolment = services.programme_prescribe(
        workspace=workspace, programme=programme, by=gp, note="Start gently.",
        recommended_modules=[lifestyle],
    )  # fmt: skip
    assert enrolment.prescribed_by == gp and enrolment.note == "Start gently."
    assert list(enrolment.recommended_modules.all()) == [lifestyle]
    assert AuditEvent.objects.filter(action="content.programme.prescribed", actor=gp).exists()


def test_a_clinician_outside_the_care_team_cannot_prescribe(
    workspace, outsider_clinician, programme
):
    with pytest.raises(ValidationError):
        services.programme_prescribe(
            workspace=workspace, programme=programme, by=outsider_clinician
        )
    assert not Enrolment.objects.exists()


def test_prescribing_after_the_patient_started_keeps_their_progress(
    workspace, gp, gp_membership, enrolment, patient, first_page
):
    services.page_complete(enrolment=enrolment, page=first_page, by=patient)
    again = services.programme_prescribe(workspace=workspace, programme=enrolment.programme, by=gp)
    assert again.pk == enrolment.pk
    assert again.pages.get().completed_at is not None


def test_only_the_owner_records_progress(enrolment, other_patient, first_page):
    with pytest.raises(Http404):  # another patient: the workspace does not exist for them
        services.page_visit(enrolment=enrolment, page=first_page, by=other_patient)


def test_progress_and_resume(enrolment, patient, programme, workspace):
    pages = list(
        Page.objects.filter(module__programme=programme).order_by("module__position", "position")
    )
    progress = selectors.programme_progress(programme, enrolment)
    assert progress.resume_page() == pages[0] and progress.percent == 0
    services.page_visit(enrolment=enrolment, page=pages[0], by=patient)
    services.page_complete(enrolment=enrolment, page=pages[0], by=patient)
    services.page_visit(enrolment=enrolment, page=pages[1], by=patient)
    enrolment.refresh_from_db()
    progress = selectors.programme_progress(programme, enrolment)
    assert progress.resume_page() == pages[1]
    first = progress.modules[0]
    assert (first.state, first.completed, first.total, first.percent) == ("in_progress", 1, 3, 33)
    assert progress.modules[1].state == "not_started"
    workspace.refresh_from_db()
    assert workspace.last_activity_at is not None


def test_the_dashboards_progress_reads_as_programme_progress_in_one_query(
    enrolment, patient, programme, django_assert_num_queries
):
    pages = list(
        Page.objects.filter(module__programme=programme).order_by("module__position", "position")
    )
    for page in pages[:4]:
        services.page_visit(enrolment=enrolment, page=page, by=patient)
    services.page_complete(enrolment=enrolment, page=pages[0], by=patient)
    services.page_complete(enrolment=enrolment, page=pages[3], by=patient)
    enrolment.recommended_modules.add(pages[3].module)
    (enrolment,) = selectors.enrolments_latest_first(enrolment.workspace)
    full = selectors.programme_progress(programme, enrolment)
    with django_assert_num_queries(1):
        summary = selectors.enrolment_progress(enrolment)

    def shape(progress):
        return [
            (m.module.pk, m.total, m.visited, m.completed, m.recommended, m.state, m.percent,
             [(p.pk, pr and (pr.pk, pr.visited_at, pr.completed_at)) for p, pr in m.pages])
            for m in progress.modules
        ]  # fmt: skip

    assert shape(summary) == shape(full)
    # The last page opened is done: the first one not done is next.
    assert summary.resume_page() == full.resume_page() == pages[1] and summary.percent > 0


def test_a_draft_can_be_partial_but_a_submitted_answer_needs_required_fields(
    enrolment, patient, cycle
):
    draft = services.answer_save(
        enrolment=enrolment, exercise=cycle, data={"body": "tight"}, by=patient, submit=False
    )
    assert draft.status == ExerciseAnswer.Status.DRAFT and draft.exercise_version == cycle.version
    with pytest.raises(ValidationError) as caught:
        services.answer_save(
            enrolment=enrolment, exercise=cycle, data={"body": "tight"}, by=patient, submit=True
        )
    assert "situation" in caught.value.message_dict


@pytest.mark.parametrize(
    "data",
    [
        {"situation": "x" * 1001},
        {"nonsense": "1"},
        {"situation": ["a", "list"]},
        "not a mapping",
    ],
)
def test_bad_answers_are_refused_and_the_draft_is_kept(enrolment, patient, cycle, data):
    services.answer_save(
        enrolment=enrolment, exercise=cycle, data={"situation": "kept"}, by=patient, submit=False
    )
    with pytest.raises(ValidationError):
        services.answer_save(
            enrolment=enrolment, exercise=cycle, data=data, by=patient, submit=False
        )
    assert ExerciseAnswer.objects.get().data == {"situation": "kept"}


def test_scales_checklists_and_choices_are_checked(enrolment, patient, programme):
    exercise = Exercise.objects.get(slug="finding-my-baseline")
    ok = services.answer_save(
        enrolment=enrolment, exercise=exercise, by=patient, submit=True,
        data={"activity": "walking", "pattern": "boom-bust"},
    )  # fmt: skip
    assert ok.data == {"activity": "walking", "pattern": "boom-bust"}
    bucket = Exercise.objects.get(slug="my-stress-bucket")
    for bad in (
        {"filling": "a", "level": 11},
        {"filling": "a", "level": "x"},
        {"filling": "a", "taps": ["Nope"]},
    ):
        with pytest.raises(ValidationError):
            services.answer_save(
                enrolment=enrolment, exercise=bucket, data=bad, by=patient, submit=True
            )
    with pytest.raises(ValidationError):
        services.answer_save(
            enrolment=enrolment, exercise=exercise, data={"activity": "a", "pattern": "other"},
            by=patient, submit=True,
        )  # fmt: skip


def test_pause_and_resume(enrolment, patient):
    paused = services.enrolment_pause(enrolment=enrolment, by=patient, paused=True)
    assert paused.status == "paused" and paused.paused_at
    resumed = services.enrolment_pause(enrolment=enrolment, by=patient, paused=False)
    assert resumed.status == "active" and resumed.paused_at is None


def test_takeaways_collect_answers_marked_as_takeaways(enrolment, patient, programme, workspace):
    exercise = Exercise.objects.get(slug="my-daily-rhythm")
    services.answer_save(
        enrolment=enrolment, exercise=exercise, by=patient, submit=True,
        data={"one_change": "Up at 7 every day", "sleep_quality": 4},
    )  # fmt: skip
    rows = selectors.takeaways_for_workspace(workspace)
    assert [r["value"] for r in rows] == ["Up at 7 every day"]
