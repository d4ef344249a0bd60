"""Courses of care: how they start and end, what discharge does to access, the summary the
patient keeps, outcomes per course and the FHIR CarePlan (docs/courses.md)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from care import courses, policies
from care import services as care
from care.models import CareTeamMembership, Course
from care.sections import Section
from content.models import Programme
from content.services import programme_prescribe
from measures import services as measures
from measures.data_rights import fhir_export
from measures.models import Schedule
from measures.outcomes import outcome_for_course
from tests.factories import ALL_SECTIONS, GPFactory, PatientFactory, add_member, workspace_for
from toolbox import services as toolbox

pytestmark = pytest.mark.django_db

SUMMARY = {
    "worked_on": "Pacing, sleep and the worry diary.",
    "helped": "Short walks before the tiredness.",
    "next_steps": "Keep the walks; call the practice if sleep goes for a week.",
}


def login(client, user):
    client.force_login(user, backend="accounts.backends.EmailBackend")
    return client


def _discharge(course, by, **extra):
    return courses.course_discharge(course=course, by=by, **{**SUMMARY, **extra})


# --- starting --------------------------------------------------------------------------------


def test_accepting_a_clinician_starts_a_course_and_a_second_one_joins_it(workspace, gp, therapist):
    assert courses.open_course(workspace) is None
    add_member(workspace, gp, ALL_SECTIONS)
    course = courses.open_course(workspace)
    assert course.number == 1 and course.started_how == Course.StartedHow.ACCEPTED
    assert course.lead == gp and course.organisation_id == gp.organisation_id
    add_member(workspace, therapist, [])
    assert Course.objects.filter(workspace=workspace).count() == 1


def test_a_prescription_starts_a_course_when_none_is_open(workspace, gp):
    membership = care.membership_invite(workspace=workspace, clinician=gp, invited_by=gp)
    # Not yet accepted: nothing has started.
    assert courses.open_course(workspace) is None
    care.membership_accept(membership=membership, by=workspace.patient, sections=[])
    Course.objects.all().delete()  # as if the course had been opened before courses existed
    programme = Programme.objects.create(slug="p", title="P", published=True)
    programme_prescribe(workspace=workspace, programme=programme, by=gp)
    course = courses.open_course(workspace)
    assert course.started_how == Course.StartedHow.PRESCRIBED and course.lead == gp


# --- discharge -------------------------------------------------------------------------------


def test_the_lead_discharges_and_access_ends_at_once_but_the_patient_keeps_everything(
    client, workspace, gp, therapist, gp_membership
):
    therapist_membership = add_member(workspace, therapist, ALL_SECTIONS)
    patient = workspace.patient
    item = toolbox.crisis_item_add(
        workspace=workspace, by=patient, kind="warning_sign", text="Not sleeping"
    )
    course = courses.open_course(workspace)
    login(client, gp)
    assert client.get(reverse("clinician:patient_overview", args=[workspace.pk])).status_code == 200
    _discharge(course, gp)
    course.refresh_from_db()
    assert course.status == Course.Status.ENDED and course.ended_how == "discharged"
    assert course.worked_on == SUMMARY["worked_on"] and course.ended_by == gp
    for membership in (gp_membership, therapist_membership):
        membership.refresh_from_db()
        assert membership.status == CareTeamMembership.Status.ENDED
        assert membership.end_reason == "course_ended"
    assert policies.shared_sections(gp, workspace) == frozenset()
    assert client.get(reverse("clinician:patient_overview", args=[workspace.pk])).status_code == 404
    # The patient keeps the workspace and everything in it, and reads the summary.
    assert type(item).objects.filter(pk=item.pk).exists()
    login(client, patient)
    page = client.get(reverse("patient:course_detail", args=[course.pk])).content.decode()
    for text in SUMMARY.values():
        assert text.replace("'", "&#x27;") in page
    assert courses.open_course(workspace) is None


def test_a_clinician_the_patient_keeps_on_stays_and_chooses_again_next_time(
    workspace, gp, therapist, gp_membership
):
    therapist_membership = add_member(workspace, therapist, [Section.GOALS])
    courses.membership_keep_set(membership=gp_membership, by=workspace.patient, keep=True)
    _discharge(courses.open_course(workspace), gp)
    gp_membership.refresh_from_db()
    therapist_membership.refresh_from_db()
    assert gp_membership.status == CareTeamMembership.Status.ACTIVE
    assert not gp_membership.kept_after_course  # kept for that course only
    assert therapist_membership.status == CareTeamMembership.Status.ENDED


def test_only_the_lead_discharges(workspace, gp, therapist, gp_membership):
    add_member(workspace, therapist, ALL_SECTIONS)
    course = courses.open_course(workspace)
    with pytest.raises(PermissionDenied):
        _discharge(course, therapist)
    outsider = GPFactory()
    with pytest.raises(PermissionDenied):
        _discharge(course, outsider)
    course.refresh_from_db()
    assert course.is_open and not course.worked_on
    assert CareTeamMembership.objects.filter(workspace=workspace, status="active").count() == 2


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("worked_on", ""),
        ("next_steps", "   "),
        ("worked_on", "Pacing\x00"),
        ("helped", "\ud800"),
        ("next_steps", "x" * 5000),
        ("worked_on", None),
        ("helped", ["a list"]),
    ],
)
def test_a_bad_summary_gets_a_clear_error_and_changes_nothing(
    workspace, gp, gp_membership, field, value
):
    course = courses.open_course(workspace)
    with pytest.raises(ValidationError) as error:
        _discharge(course, gp, **{field: value})
    assert field in error.value.message_dict
    course.refresh_from_db()
    gp_membership.refresh_from_db()
    assert course.is_open and gp_membership.status == CareTeamMembership.Status.ACTIVE


def test_a_course_ends_once(workspace, gp, gp_membership):
    course = courses.open_course(workspace)
    _discharge(course, gp)
    with pytest.raises(ValidationError):
        courses.course_end_by_patient(course=course, by=workspace.patient)
    assert Course.objects.get(pk=course.pk).ended_how == "discharged"


def test_the_patient_ends_their_own_course_only(client, workspace, gp, gp_membership):
    course = courses.open_course(workspace)
    someone = workspace_for(PatientFactory(full_name="Other Person"))
    with pytest.raises(PermissionDenied):
        courses.course_end_by_patient(course=course, by=someone.patient)
    login(client, workspace.patient)
    client.post(reverse("patient:course_end"), {"confirm": "yes"})
    course.refresh_from_db()
    gp_membership.refresh_from_db()
    assert course.ended_how == "by_patient" and not course.worked_on
    assert gp_membership.status == CareTeamMembership.Status.ENDED
    # Another patient cannot open this course's page.
    login(client, someone.patient)
    assert client.get(reverse("patient:course_detail", args=[course.pk])).status_code == 404


def test_a_re_referral_starts_a_new_course_with_nothing_shared(workspace, gp, gp_membership):
    first = courses.open_course(workspace)
    _discharge(first, gp)
    again = care.membership_invite(workspace=workspace, clinician=gp, invited_by=gp)
    assert policies.shared_sections(gp, workspace) == frozenset()
    care.membership_accept(membership=again, by=workspace.patient, sections=[])
    second = courses.open_course(workspace)
    assert second.number == 2 and second.pk != first.pk
    assert policies.shared_sections(gp, workspace) == frozenset()


# --- the discharge page -----------------------------------------------------------------------


def test_the_discharge_page_asks_first_then_ends_the_course_and_asks_for_final_measures(
    client, workspace, gp, therapist, gp_membership
):
    add_member(workspace, therapist, ALL_SECTIONS)
    url = reverse("clinician:course_discharge", args=[workspace.pk])
    login(client, therapist)
    page = client.get(url).content.decode()
    assert "Only the lead of the care team" in page and 'name="worked_on"' not in page
    login(client, gp)
    assert 'name="worked_on"' in client.get(url).content.decode()
    empty = client.post(url, {"worked_on": "", "next_steps": ""})
    assert empty.status_code == 400 and courses.open_course(workspace) is not None
    form = {**SUMMARY, "final_measures": "on"}
    asked = client.post(url, form)
    assert asked.status_code == 200 and 'name="confirm" value="yes"' in asked.content.decode()
    assert courses.open_course(workspace) is not None
    done = client.post(url, {**form, "confirm": "yes"})
    assert done.status_code == 302 and done.url == reverse("clinician:caseload")
    course = Course.objects.get(workspace=workspace)
    assert course.status == "ended" and course.final_measures_requested
    assert set(
        Schedule.objects.filter(workspace=workspace).values_list("instrument", flat=True)
    ) == {"phq9", "gad7"}
    assert client.get(url).status_code == 404  # the GP's access has ended
    # The patient's "who has seen my data" says what the GP looked at, in plain words.
    login(client, workspace.patient)
    seen = client.get(reverse("patient:access_log")).content.decode()
    assert "your course of care, to discharge you" in seen
    login(client, gp)
    # The patient finds both questionnaires due today.
    from measures.selectors import due_for_workspace
    from toolbox.services import local_today

    # "Today" is the patient's own day (the request ran in their time zone), not the server's.
    due = due_for_workspace(workspace, today=local_today(workspace.patient))
    assert {d.instrument.code for d in due} == {"phq9", "gad7"}


# --- outcomes per course ----------------------------------------------------------------------

T0 = datetime(2026, 1, 5, 9, tzinfo=UTC)


def _answers(items, total):
    answers, remaining = {}, total
    for item in range(1, items + 1):
        value = 0 if (items == 9 and item == 9) else min(3, remaining)
        answers[item] = value
        remaining -= value
    return answers


def _pair(workspace, phq9, gad7, day):
    patient = workspace.patient
    for offset, (code, total) in enumerate((("phq9", phq9), ("gad7", gad7))):
        with time_machine.travel(T0 + timedelta(days=day, hours=offset), tick=False):
            response = measures.response_start(workspace=workspace, instrument=code, by=patient)
            items = {"phq9": 9, "gad7": 7}[code]
            measures.response_save_answers(
                response=response, answers=_answers(items, total), by=patient
            )
            measures.response_complete(response=response, by=patient)


def test_outcomes_are_counted_per_course_with_the_final_measures_after_discharge(workspace, gp):
    with time_machine.travel(T0 - timedelta(days=1), tick=False):
        add_member(workspace, gp, ALL_SECTIONS)
    first = courses.open_course(workspace)
    _pair(workspace, 18, 14, 0)  # caseness at the start
    _pair(workspace, 14, 12, 30)
    with time_machine.travel(T0 + timedelta(days=60), tick=False):
        _discharge(first, gp)
    _pair(workspace, 5, 4, 70)  # the final questionnaires, 10 days after discharge
    first.refresh_from_db()
    result = outcome_for_course(first)
    assert result.enough_data and result.reliable_recovery
    assert result.baseline.phq9 == 18 and result.latest.phq9 == 5
    # A re-referral 100 days later: its own baseline, and the first course is unchanged.
    with time_machine.travel(T0 + timedelta(days=100), tick=False):
        add_member(workspace, GPFactory(), ALL_SECTIONS)
    second = courses.open_course(workspace)
    _pair(workspace, 12, 9, 101)
    assert not outcome_for_course(second).enough_data
    _pair(workspace, 20, 15, 130)
    later = outcome_for_course(second)
    assert later.baseline.phq9 == 12 and later.reliable_deterioration
    assert outcome_for_course(first).latest.phq9 == 5


def test_measures_after_the_14_days_or_in_the_next_course_do_not_count(workspace, gp):
    with time_machine.travel(T0 - timedelta(days=1), tick=False):
        add_member(workspace, gp, ALL_SECTIONS)
    course = courses.open_course(workspace)
    _pair(workspace, 18, 14, 0)
    with time_machine.travel(T0 + timedelta(days=30), tick=False):
        _discharge(course, gp)
    _pair(workspace, 3, 2, 50)  # 20 days after discharge: too late for this course
    course.refresh_from_db()
    assert not outcome_for_course(course).enough_data


# --- FHIR ------------------------------------------------------------------------------------


def test_the_export_has_each_course_as_a_care_plan_completed_with_its_summary(
    workspace, gp, gp_membership
):
    course = courses.open_course(workspace)
    open_plan = [
        e["resource"] for e in fhir_export(workspace)["entry"]
        if e["resource"]["resourceType"] == "CarePlan"
    ]  # fmt: skip
    assert [p["status"] for p in open_plan] == ["active"]
    _discharge(course, gp)
    plans = [
        e["resource"] for e in fhir_export(workspace)["entry"]
        if e["resource"]["resourceType"] == "CarePlan"
    ]  # fmt: skip
    assert len(plans) == 1
    plan = plans[0]
    assert plan["status"] == "completed" and plan["intent"] == "plan"
    assert plan["subject"]["reference"] == f"urn:uuid:{workspace.patient_id}"
    assert "end" in plan["period"] and SUMMARY["next_steps"] in plan["description"]
    assert any(SUMMARY["worked_on"] in note["text"] for note in plan["note"])


def test_the_patient_is_told_by_email_that_the_summary_is_waiting_never_its_text(
    workspace, gp, gp_membership, django_capture_on_commit_callbacks, mailoutbox
):
    workspace.patient.language = "nb"
    workspace.patient.save(update_fields=["language"])
    course = courses.open_course(workspace)
    with django_capture_on_commit_callbacks(execute=True):
        _discharge(course, gp)
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [workspace.patient.email]
    assert reverse("patient:course_detail", args=[course.pk]) in message.body
    for text in SUMMARY.values():
        assert text not in message.body
    assert "forløp" in message.subject  # Norwegian
