"""Writes about a patient's programme: prescribing, starting, pausing, progress and answers.

Every service is atomic and keyword-only, checks who is acting, audits meaningful changes,
touches the workspace's ``last_activity_at`` for the patient's own activity and publishes a
small event (ids only) after commit.

Who may start a programme: the patient may start any published programme themselves, and a
care-team member (GP or therapist with an active membership) may prescribe one, with a note and
recommended modules. Both end in the same ``Enrolment``; a prescription of a programme the
patient already started adds the note without resetting anything.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from accounts.models import User
from care import policies
from care.courses import course_open
from care.events import publish_workspace_event
from care.models import Course, Workspace
from care.sections import Section
from care.services import lead_set, workspace_touch
from content.answers import clean_answer
from content.models import (
    AnswerFeedback,
    Enrolment,
    Exercise,
    ExerciseAnswer,
    Module,
    Page,
    PageProgress,
    Prescription,
    Programme,
)
from guidance.services import guidance_record
from records.services import audit

OWNER_ONLY = _lazy("Only the patient can do this in their own programme.")


def _event(workspace: Workspace, kind: str, section: Section, **data) -> None:
    publish_workspace_event(
        workspace_id=workspace.pk,
        kind=kind,
        section=section.value,
        data={k: str(v) for k, v in data.items()},
    )


@transaction.atomic
def enrolment_start(*, workspace: Workspace, programme: Programme, by: User) -> Enrolment:
    """The patient starts a published programme. Idempotent."""
    policies.require_owner(by, workspace, OWNER_ONLY)
    if not programme.published:
        raise ValidationError(_("This programme is not available."))
    enrolment, created = Enrolment.objects.get_or_create(workspace=workspace, programme=programme)
    if created:
        audit(
            action="content.enrolment.started",
            actor=by,
            workspace=workspace,
            enrolment=str(enrolment.pk),
        )
        workspace_touch(workspace=workspace)
        _event(workspace, "content.enrolment_started", Section.PROGRESS, enrolment=enrolment.pk)
    return enrolment


@transaction.atomic
def programme_prescribe(
    *,
    workspace: Workspace,
    programme: Programme,
    by: User,
    note: str = "",
    start_on: date | None = None,
    recommended_modules: Iterable[Module] = (),
) -> Enrolment:
    """A care-team member prescribes a programme, optionally with a start date, a short note
    the patient sees on their first page, and recommended modules. Needs no shared section:
    prescribing reveals nothing (the API answers with the patient's progress only to a member
    who sees it). Each prescription is kept (``Prescription``): the enrolment shows the latest,
    the patient sees every prescriber's latest note."""
    if policies.active_membership(by, workspace) is None:
        raise ValidationError(_("Only a member of the patient's care team can prescribe."))
    if not programme.published:
        raise ValidationError(_("This programme is not available."))
    # "Today" is the prescriber's own calendar day (their account's time zone), not the server's.
    if start_on is not None and start_on < timezone.localdate(timezone=ZoneInfo(by.timezone)):
        raise ValidationError(
            {"start_on": _("Choose today or a later day: a programme cannot start in the past.")}
        )
    modules = list(recommended_modules)
    if any(m.programme_id != programme.pk or m.retired for m in modules):
        raise ValidationError({"recommended_modules": _("Choose modules of this programme.")})
    enrolment, created = Enrolment.objects.select_for_update().get_or_create(
        workspace=workspace, programme=programme
    )
    enrolment.prescribed_by = by
    enrolment.note = note.strip()
    enrolment.start_on = start_on
    enrolment.full_clean()
    enrolment.save(update_fields=["prescribed_by", "note", "start_on", "updated_at"])
    enrolment.recommended_modules.set(modules)
    # Every prescription is kept as written: another prescriber's note stays beside this one.
    Prescription.objects.create(
        enrolment=enrolment, prescribed_by=by, note=enrolment.note, start_on=start_on
    )
    # The prescriber leads the care team, unless the patient or the team chose a lead.
    lead_set(membership=policies.active_membership(by, workspace), by=by, how="prescriber")
    # A prescription starts a course of care, unless one is open (docs/courses.md).
    course_open(workspace=workspace, how=Course.StartedHow.PRESCRIBED, clinician=by, by=by)
    audit(
        action="content.programme.prescribed",
        actor=by,
        workspace=workspace,
        enrolment=str(enrolment.pk),
        created=created,
        modules=[str(m.pk) for m in modules],
    )
    _event(workspace, "content.prescribed", Section.PROGRESS, enrolment=enrolment.pk)
    return enrolment


@transaction.atomic
def enrolment_pause(*, enrolment: Enrolment, by: User, paused: bool) -> Enrolment:
    """Pause (life happens) or resume. Nothing is lost either way."""
    policies.require_owner(by, enrolment.workspace, OWNER_ONLY)
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    wanted = Enrolment.Status.PAUSED if paused else Enrolment.Status.ACTIVE
    if enrolment.status == wanted:
        return enrolment
    enrolment.status = wanted
    enrolment.paused_at = timezone.now() if paused else None
    enrolment.save(update_fields=["status", "paused_at", "updated_at"])
    audit(
        action="content.enrolment.paused" if paused else "content.enrolment.resumed",
        actor=by,
        workspace=enrolment.workspace,
        enrolment=str(enrolment.pk),
    )
    _event(
        enrolment.workspace, "content.enrolment_changed", Section.PROGRESS, enrolment=enrolment.pk
    )
    return enrolment


def _check_page(enrolment: Enrolment, page: Page) -> None:
    if page.module.programme_id != enrolment.programme_id:
        raise ValidationError(_("This page is not part of the programme."))


@transaction.atomic
def page_visit(*, enrolment: Enrolment, page: Page, by: User) -> PageProgress:
    """Record that the patient opened a page; it becomes the place to resume."""
    workspace = enrolment.workspace
    policies.require_owner(by, workspace, OWNER_ONLY)
    _check_page(enrolment, page)
    now = timezone.now()
    progress, created = PageProgress.objects.get_or_create(
        enrolment=enrolment, page=page, defaults={"visited_at": now}
    )
    Enrolment.objects.filter(pk=enrolment.pk).update(
        last_page=page, last_visited_at=now, updated_at=now
    )
    enrolment.last_page, enrolment.last_visited_at = page, now
    workspace_touch(workspace=workspace)
    if created:
        _event(workspace, "content.page_visited", Section.PROGRESS, page=page.pk)
    return progress


@transaction.atomic
def page_complete(*, enrolment: Enrolment, page: Page, by: User, done: bool = True) -> PageProgress:
    workspace = enrolment.workspace
    policies.require_owner(by, workspace, OWNER_ONLY)
    _check_page(enrolment, page)
    now = timezone.now()
    progress, _created = PageProgress.objects.select_for_update().get_or_create(
        enrolment=enrolment, page=page, defaults={"visited_at": now}
    )
    if (progress.completed_at is not None) != done:
        progress.completed_at = now if done else None
        progress.save(update_fields=["completed_at", "updated_at"])
        _event(workspace, "content.page_completed", Section.PROGRESS, page=page.pk)
    workspace_touch(workspace=workspace)
    return progress


@transaction.atomic
def answer_save(
    *,
    enrolment: Enrolment,
    exercise: Exercise,
    data: dict,
    by: User,
    submit: bool,
    page: Page | None = None,
) -> ExerciseAnswer:
    """Save the patient's answer: a draft while they type, ``submit`` when they press Save.

    A bad answer raises ValidationError and leaves the stored answer (the last good draft) as
    it was. The answer records the exercise version it was written against."""
    workspace = enrolment.workspace
    policies.require_owner(by, workspace, OWNER_ONLY)
    if exercise.programme_id != enrolment.programme_id:
        raise ValidationError(_("This exercise is not part of the programme."))
    if page is not None:
        _check_page(enrolment, page)
    cleaned = clean_answer(exercise.fields, data, submit=submit)
    answer = (
        ExerciseAnswer.objects.select_for_update()
        .filter(enrolment=enrolment, exercise=exercise)
        .first()
    )
    now = timezone.now()
    if answer is None:
        answer = ExerciseAnswer(enrolment=enrolment, exercise=exercise)
    answer.data = cleaned
    answer.exercise_version = exercise.version
    answer.page = page or answer.page
    if submit:
        answer.status = ExerciseAnswer.Status.SUBMITTED
        answer.submitted_at = now
    if answer._state.adding:
        answer.save()
    else:
        answer.save(
            update_fields=[
                "data",
                "exercise_version",
                "page",
                "status",
                "submitted_at",
                "updated_at",
            ]
        )
    if submit:
        audit(
            action="content.answer.submitted",
            actor=by,
            workspace=workspace,
            answer=str(answer.pk),
            exercise=str(exercise.pk),
        )
        _event(workspace, "content.answer_submitted", Section.JOURNAL, answer=answer.pk)
    workspace_touch(workspace=workspace)
    return answer


@transaction.atomic
def answer_feedback_add(
    *, answer: ExerciseAnswer, by: User, text: str, time_spent: timedelta | None = None
) -> AnswerFeedback:
    """A care-team member who sees the patient's exercise answers replies to a submitted one."""
    workspace = answer.enrolment.workspace
    if policies.active_membership(by, workspace) is None or not policies.can_view_section(
        by, workspace, Section.JOURNAL
    ):
        raise ValidationError(_("Only a care-team member who sees exercise answers can reply."))
    if answer.status != ExerciseAnswer.Status.SUBMITTED:
        raise ValidationError(_("Only a saved answer can get feedback."))
    feedback = AnswerFeedback(answer=answer, author=by, author_name=by.full_name, text=text.strip())
    feedback.full_clean()
    feedback.save()
    audit(
        action="content.answer.feedback_added",
        actor=by,
        workspace=workspace,
        answer=str(answer.pk),
        feedback=str(feedback.pk),
    )
    guidance_record(
        clinician=by,
        workspace_id=workspace.pk,
        kind="feedback",
        source=f"answer-feedback:{feedback.pk}",
        time_spent=time_spent,
    )
    _event(workspace, "content.feedback_added", Section.JOURNAL, answer=answer.pk)
    return feedback


def answer_feedback_mark_seen(*, answers, by: User) -> int:
    """The patient has read the feedback shown with these answers."""
    return AnswerFeedback.objects.filter(
        answer__in=list(answers), answer__enrolment__workspace__patient=by, seen_at__isnull=True
    ).update(seen_at=timezone.now())
