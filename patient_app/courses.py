"""The patient's courses of care: each course, its discharge summary (printable), ending the
current one, and keeping a clinician on when it ends (docs/courses.md)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from care import courses as course_services
from care import selectors, services
from config.confirmation import confirmation_page
from measures.outcomes import outcome_for_course
from patient_app.decorators import patient_required


@patient_required
def courses(request):
    workspace = services.workspace_get_or_create(patient=request.user)
    every = course_services.courses_of(workspace)
    for course in every:
        course.outcome = outcome_for_course(course)
    members = selectors.memberships_for_workspace(workspace=workspace)
    return render(
        request,
        "patient_app/courses/list.html",
        {
            "courses": every,
            "current": next((c for c in every if c.is_open), None),
            "members": [m for m in members if m.is_active and not m.cover_id],
        },
    )


@patient_required
def course_detail(request, course_id):
    """One course: its dates, its outcome and its discharge summary, ready to print."""
    course = selectors.course_for_owner(user=request.user, course_id=course_id)
    return render(
        request,
        "patient_app/courses/detail.html",
        {"course": course, "outcome": outcome_for_course(course)},
    )


@patient_required
@require_POST
def course_end(request):
    workspace = services.workspace_get_or_create(patient=request.user)
    course = course_services.open_course(workspace)
    if course is None:
        messages.error(request, _("You have no course of care open now."))
        return redirect("patient:courses")
    kept = [
        m.clinician.full_name
        for m in selectors.memberships_for_workspace(workspace=workspace)
        if m.is_active and m.kept_after_course
    ]
    consequences = [
        _("Your care team can no longer see anything in your workspace, from now on."),
        _("You keep your workspace and everything in it: your programme, tools and messages."),
        _("If you are referred again, a new course starts and you choose again what to share."),
    ]
    if kept:
        consequences.insert(1, _("You chose to keep on: %(names)s.") % {"names": ", ".join(kept)})
    ask = confirmation_page(
        request,
        title=_("End your course of care?"),
        consequences=consequences,
        confirm_label=_("Yes, end my course of care"),
        back_url=reverse("patient:courses"),
    )
    if ask is not None:
        return ask
    try:
        course_services.course_end_by_patient(course=course, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your course of care has ended. Your workspace stays yours."))
    return redirect("patient:courses")


@patient_required
@require_POST
def care_team_keep(request, membership_id):
    """Keep a clinician on when the course ends, or not."""
    membership = selectors.membership_for_owner(
        user=request.user,
        workspace_id=services.workspace_get_or_create(patient=request.user).pk,
        membership_id=membership_id,
    )
    keep = request.POST.get("keep") == "yes"
    try:
        course_services.membership_keep_set(membership=membership, by=request.user, keep=keep)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        name = membership.clinician.full_name
        messages.success(
            request,
            _("%(name)s stays in your care team when this course ends.") % {"name": name}
            if keep
            else _("%(name)s leaves your care team when this course ends.") % {"name": name},
        )
    return redirect("patient:courses")
