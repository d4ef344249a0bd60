"""Courses of care: how one starts, how it ends, and what ending it does (docs/courses.md).

- A course **starts** when a clinician prescribes the programme or when the patient accepts a
  clinician into their care team, if no course is open (``course_open``). A workspace has at
  most one open course (a database constraint) and any number of ended ones.
- It **ends** when the care team's lead discharges the patient with a short summary
  (``course_discharge``), or when the patient ends it (``course_end_by_patient``).
- Ending a course ends every care-team membership except those the patient chose to keep on
  (``membership_keep_set``): access stops at once. The workspace and everything in it stay the
  patient's. A later referral starts a new course, and the patient chooses again what to share.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.languages import language_of
from accounts.models import User
from care import policies
from care.models import CareTeamMembership, Course, Workspace
from config.input_hygiene import validate_clean_text
from records.services import audit

SUMMARY_LIMIT = 4000


def open_course(workspace: Workspace) -> Course | None:
    return Course.objects.filter(workspace=workspace, status=Course.Status.OPEN).first()


def courses_of(workspace: Workspace) -> list[Course]:
    """Every course of the workspace, newest first."""
    return list(Course.objects.filter(workspace=workspace).select_related("lead", "workspace"))


def course_open(*, workspace: Workspace, how: str, clinician: User, by: User) -> Course:
    """The open course of the workspace, started now if there is none. The course belongs to
    the clinician's organisation and team, with the clinician as its lead."""
    Workspace.objects.select_for_update().filter(pk=workspace.pk).first()  # one at a time
    existing = open_course(workspace)
    if existing is not None:
        return existing
    number = (Course.objects.filter(workspace=workspace).aggregate(n=Max("number"))["n"] or 0) + 1
    course = Course.objects.create(
        workspace=workspace,
        number=number,
        started_how=how,
        organisation_id=clinician.organisation_id,
        team_id=clinician.team_id,
        lead=clinician,
    )
    audit(
        action="care.course.started",
        actor=by,
        workspace=workspace,
        course=str(course.pk),
        how=how,
    )
    return course


def _clean(value, *, field: str, required: bool) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError({field: _("Enter text.")})
    value = value.strip()
    try:
        validate_clean_text(value)
    except ValidationError as error:
        raise ValidationError({field: error.messages}) from None
    if required and not value:
        raise ValidationError({field: _("Please write a few words here.")})
    if len(value) > SUMMARY_LIMIT:
        raise ValidationError(
            {field: _("Please keep this under %(n)s characters.") % {"n": SUMMARY_LIMIT}}
        )
    return value


def _locked_open(course: Course) -> Course:
    locked = Course.objects.select_for_update().select_related("workspace").get(pk=course.pk)
    if not locked.is_open:
        raise ValidationError(_("This course of care has already ended."))
    return locked


def _close(course: Course, *, by: User, how: str) -> Course:
    """End the course and every membership the patient did not keep on."""
    now = timezone.now()
    course.status, course.ended_at, course.ended_how, course.ended_by = (
        Course.Status.ENDED,
        now,
        how,
        by,
    )
    course.save()
    from care.services import membership_transition

    ended = 0
    for membership in (
        CareTeamMembership.objects.select_for_update()
        .filter(workspace=course.workspace)
        .exclude(status__in=CareTeamMembership.CLOSED)
    ):
        if membership.kept_after_course and membership.status == CareTeamMembership.Status.ACTIVE:
            # Kept on for this course only: at the next one the patient chooses again.
            membership.kept_after_course = False
            membership.save(update_fields=["kept_after_course", "updated_at"])
            continue
        membership_transition(
            membership=membership,
            to=CareTeamMembership.Status.ENDED,
            actor=by,
            end_reason=CareTeamMembership.EndReason.COURSE_ENDED,
            action="care.membership.ended_with_course",
            course=str(course.pk),
        )
        ended += 1
    audit(
        action=f"care.course.{how}",
        actor=by,
        workspace=course.workspace,
        course=str(course.pk),
        memberships_ended=ended,
    )
    return course


@transaction.atomic
def course_discharge(
    *,
    course: Course,
    by: User,
    worked_on,
    helped="",
    next_steps,
    final_measures_requested: bool = False,
) -> Course:
    """The care team's lead ends the course with a discharge summary that the patient reads
    (what we worked on, what helped, staying well and next steps)."""
    worked_on = _clean(worked_on, field="worked_on", required=True)
    helped = _clean(helped, field="helped", required=False)
    next_steps = _clean(next_steps, field="next_steps", required=True)
    course = _locked_open(course)
    lead = policies.lead_membership(course.workspace)
    if lead is None or lead.clinician_id != by.pk or not lead.is_active:
        raise PermissionDenied(_("Only the lead of the care team can discharge the patient."))
    course.worked_on, course.helped, course.next_steps = worked_on, helped, next_steps
    course.final_measures_requested = bool(final_measures_requested)
    course.lead = by
    _close(course, by=by, how=Course.EndedHow.DISCHARGED)
    patient_id = course.workspace.patient_id
    transaction.on_commit(lambda: _tell_patient(patient_id, course.pk))
    return course


def _tell_patient(patient_id, course_id) -> None:
    """A short e-mail that the discharge summary is waiting: never its text."""
    patient = User.objects.filter(pk=patient_id, is_active=True).first()
    if patient is None or not patient.email:
        return
    with translation.override(language_of(patient)):
        subject = _("Your course of care has ended")
        body = render_to_string(
            "care/discharge_email.txt",
            {"link": settings.SITE_URL + reverse("patient:course_detail", args=[course_id])},
        )
    send_mail(subject=subject, message=body, from_email=None, recipient_list=[patient.email])


@transaction.atomic
def course_end_by_patient(*, course: Course, by: User) -> Course:
    """The patient ends their course of care. Like a discharge, without a summary."""
    course = _locked_open(course)
    if course.workspace.patient_id != by.pk:
        raise PermissionDenied
    return _close(course, by=by, how=Course.EndedHow.BY_PATIENT)


@transaction.atomic
def membership_keep_set(*, membership: CareTeamMembership, by: User, keep: bool) -> None:
    """The patient keeps a clinician on when the course ends (or changes their mind)."""
    membership = CareTeamMembership.objects.select_for_update().get(pk=membership.pk)
    if membership.workspace.patient_id != by.pk:
        raise PermissionDenied
    if membership.status != CareTeamMembership.Status.ACTIVE:
        raise ValidationError(_("This clinician is not in your care team now."))
    membership.kept_after_course = bool(keep)
    membership.save(update_fields=["kept_after_course", "updated_at"])
    audit(
        action="care.membership.kept_after_course" if keep else "care.membership.not_kept",
        actor=by,
        workspace=membership.workspace,
        membership=str(membership.pk),
    )
