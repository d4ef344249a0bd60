"""The care team's view of a patient's goals and habits: read (logged), propose, comment.

Every page authorizes through ``care.policies`` (404 outside the care team, 403 "not shared")
and writes an access-log entry for the section it shows.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from care import policies
from care.forms import add_service_errors
from care.sections import Section
from clinician_app.decorators import clinician_required
from config.confirmation import confirmation_page
from goals import selectors, services
from goals.forms import (
    CommentForm,
    LadderProposalForm,
    StepProposalForm,
)
from goals.history import describe_history
from goals.models import Proposal
from guidance import timer

HISTORY_ON_PAGE = 10


def _ladder_url(workspace, ladder, anchor=""):
    return reverse("clinician:goal_ladder", args=[workspace.pk, ladder.pk]) + anchor


@clinician_required
def goal_list(request, workspace_id, form=None):
    workspace = policies.workspace_read(
        user=request.user, workspace_id=workspace_id, section=Section.GOALS, via="web"
    )
    proposals = list(
        selectors.proposals_for_workspace(workspace=workspace, open_only=True).filter(
            kind=Proposal.Kind.NEW_LADDER
        )
    )
    return render(
        request,
        "clinician_app/goals/goal_list.html",
        {
            "workspace": workspace,
            "patient": workspace.patient,
            "ladders": selectors.ladders_for_workspace(workspace=workspace),
            "new_goal_proposals": proposals,
            "form": form or LadderProposalForm(),
        },
        status=400 if form is not None else 200,
    )


def _submit(request, form, **kwargs):
    """Validate the form, call proposal_create, map errors. Returns the proposal or None."""
    if not form.is_valid():
        return None
    data = dict(form.cleaned_data)
    note = data.pop("note", "")
    try:
        return services.proposal_create(
            by=request.user,
            payload=data,
            note=note,
            time_spent=timer.time_spent(request),
            **kwargs,
        )
    except ValidationError as error:
        add_service_errors(form, error)
        return None


@clinician_required
@require_POST
def goal_propose_ladder(request, workspace_id):
    workspace = policies.workspace_for_change(
        user=request.user, workspace_id=workspace_id, section=Section.GOALS
    )
    form = LadderProposalForm(request.POST)
    if _submit(request, form, workspace=workspace, kind=Proposal.Kind.NEW_LADDER):
        messages.success(request, _("Your suggestion is sent. The patient decides."))
        return redirect("clinician:goal_list", workspace.pk)
    return goal_list(request, workspace.pk, form=form)


def _ladder_page(request, workspace, ladder, *, status=200, **forms):
    policies.workspace_read(
        user=request.user, workspace=workspace, section=Section.GOALS, via="web"
    )
    proposals = list(selectors.proposals_for_workspace(workspace=workspace, ladder=ladder))
    return render(
        request,
        "clinician_app/goals/ladder.html",
        {
            "workspace": workspace,
            "patient": workspace.patient,
            "ladder": ladder,
            "steps": selectors.steps_for_ladder(ladder=ladder),
            "open_proposals": [p for p in proposals if p.is_open],
            "answered_proposals": [p for p in proposals if not p.is_open][:10],
            "comments": selectors.comments_for_ladder(ladder=ladder),
            "history": describe_history(
                list(selectors.history_for_ladder(ladder=ladder)[:HISTORY_ON_PAGE])
            ),
            "step_form": forms.get("step_form") or StepProposalForm(),
            "edit_form": forms.get("edit_form")
            or LadderProposalForm(initial={"title": ladder.title, "why": ladder.why}),
            "comment_form": forms.get("comment_form") or CommentForm(),
        },
        status=status,
    )


@clinician_required
def goal_ladder(request, workspace_id, ladder_id):
    workspace = policies.workspace_for_change(
        user=request.user, workspace_id=workspace_id, section=Section.GOALS
    )
    ladder = selectors.ladder_get(workspace=workspace, ladder_id=ladder_id)
    return _ladder_page(request, workspace, ladder)


@clinician_required
@require_POST
def goal_propose_step(request, workspace_id, ladder_id):
    workspace = policies.workspace_for_change(
        user=request.user, workspace_id=workspace_id, section=Section.GOALS
    )
    ladder = selectors.ladder_get(workspace=workspace, ladder_id=ladder_id)
    form = StepProposalForm(request.POST)
    if _submit(request, form, workspace=workspace, kind=Proposal.Kind.NEW_STEP, ladder=ladder):
        messages.success(request, _("Your suggested step is sent. The patient decides."))
        return redirect(_ladder_url(workspace, ladder, "#proposals"))
    return _ladder_page(request, workspace, ladder, status=400, step_form=form)


@clinician_required
@require_POST
def goal_propose_ladder_edit(request, workspace_id, ladder_id):
    workspace = policies.workspace_for_change(
        user=request.user, workspace_id=workspace_id, section=Section.GOALS
    )
    ladder = selectors.ladder_get(workspace=workspace, ladder_id=ladder_id)
    form = LadderProposalForm(request.POST)
    if _submit(request, form, workspace=workspace, kind=Proposal.Kind.EDIT_LADDER, ladder=ladder):
        messages.success(request, _("Your suggestion is sent. The patient decides."))
        return redirect(_ladder_url(workspace, ladder, "#proposals"))
    return _ladder_page(request, workspace, ladder, status=400, edit_form=form)


@clinician_required
@require_http_methods(["GET", "POST"])
def goal_propose_step_edit(request, workspace_id, step_id):
    workspace = policies.workspace_for_change(
        user=request.user, workspace_id=workspace_id, section=Section.GOALS
    )
    step = selectors.step_get(workspace=workspace, step_id=step_id)
    if request.method == "POST":
        form = StepProposalForm(request.POST)
        if _submit(
            request,
            form,
            workspace=workspace,
            kind=Proposal.Kind.EDIT_STEP,
            ladder=step.ladder,
            step=step,
        ):
            messages.success(request, _("Your suggestion is sent. The patient decides."))
            return redirect(_ladder_url(workspace, step.ladder, "#proposals"))
    else:
        policies.workspace_read(
            user=request.user, workspace=workspace, section=Section.GOALS, via="web"
        )
        form = StepProposalForm(
            initial={
                "description": step.description,
                "target_date": step.target_date,
                "difficulty": step.difficulty,
            }
        )
    return render(
        request,
        "clinician_app/goals/propose_step_edit.html",
        {"workspace": workspace, "patient": workspace.patient, "step": step, "form": form},
        status=400 if form.errors else 200,
    )


@clinician_required
@require_POST
def goal_proposal_withdraw(request, workspace_id, proposal_id):
    workspace = policies.workspace_for_change(
        user=request.user, workspace_id=workspace_id, section=Section.GOALS
    )
    proposal = selectors.proposal_get(workspace=workspace, proposal_id=proposal_id)
    back = (
        _ladder_url(workspace, proposal.ladder, "#proposals")
        if proposal.ladder_id
        else reverse("clinician:goal_list", args=[workspace.pk])
    )
    # Only an open suggestion needs the question; an answered one gets the plain message.
    ask = proposal.is_open and confirmation_page(
        request,
        title=_("Withdraw your suggestion?"),
        consequences=[
            _("The patient no longer sees this suggestion and cannot accept it."),
            _("This cannot be undone; you can make a new suggestion."),
        ],
        confirm_label=_("Yes, withdraw it"),
        back_url=back,
    )
    if ask:
        return ask
    try:
        services.proposal_withdraw(proposal=proposal, by=request.user)
    except services.Conflict as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your suggestion is withdrawn."))
    if proposal.ladder_id:
        return redirect(_ladder_url(workspace, proposal.ladder, "#proposals"))
    return redirect("clinician:goal_list", workspace.pk)


@clinician_required
@require_POST
def goal_comment_add(request, workspace_id, ladder_id):
    workspace = policies.workspace_for_change(
        user=request.user, workspace_id=workspace_id, section=Section.GOALS
    )
    ladder = selectors.ladder_get(workspace=workspace, ladder_id=ladder_id)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.comment_add(
                ladder=ladder,
                by=request.user,
                body=form.cleaned_data["body"],
                time_spent=timer.time_spent(request),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect(_ladder_url(workspace, ladder, "#comments"))
    return _ladder_page(request, workspace, ladder, status=400, comment_form=form)


@clinician_required
def goal_history(request, workspace_id, ladder_id):
    workspace = policies.workspace_for_change(
        user=request.user, workspace_id=workspace_id, section=Section.GOALS
    )
    ladder = selectors.ladder_get(workspace=workspace, ladder_id=ladder_id)
    policies.workspace_read(
        user=request.user, workspace=workspace, section=Section.GOALS, via="web"
    )
    page = Paginator(selectors.history_for_ladder(ladder=ladder), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "clinician_app/goals/history.html",
        {
            "workspace": workspace,
            "patient": workspace.patient,
            "ladder": ladder,
            "page": page,
            "history": describe_history(page.object_list),
        },
    )


@clinician_required
def habit_list(request, workspace_id):
    workspace = policies.workspace_read(
        user=request.user, workspace_id=workspace_id, section=Section.HABITS, via="web"
    )
    return render(
        request,
        "clinician_app/goals/habit_list.html",
        {
            "workspace": workspace,
            "patient": workspace.patient,
            "habits": selectors.habit_views(workspace=workspace),
        },
    )
