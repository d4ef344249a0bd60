"""The patient's goal ladders and habits. The patient's own edits take effect at once."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from care import services as care
from care.forms import add_service_errors
from goals import selectors, services
from goals.chain import ScheduleKind
from goals.forms import (
    AnswerForm,
    CheckForm,
    CommentForm,
    HabitForm,
    LadderEditForm,
    LadderForm,
    LadderProposalForm,
    MoveForm,
    ReflectForm,
    StateForm,
    StepEditForm,
    StepForm,
    StepProposalForm,
)
from goals.history import describe_history
from goals.models import Proposal
from patient_app.decorators import patient_required
from records.idempotency import idempotent

HISTORY_ON_PAGE = 10


def _workspace(request):
    return care.workspace_get_or_create(patient=request.user)


def _ladder_url(ladder, anchor=""):
    return reverse("patient:goal_ladder", args=[ladder.pk]) + anchor


def _conflict(form, error, current):
    """Keep what the patient typed, show what is saved now, and let them save again knowingly."""
    form.add_error(None, error.message)
    data = form.data.copy()
    data["version"] = str(current.version)
    form.data = data


@patient_required
def goal_list(request, form=None):
    workspace = _workspace(request)
    ladders = selectors.ladders_for_workspace(workspace=workspace)
    new_goal_proposals = list(
        selectors.proposals_for_workspace(workspace=workspace, open_only=True).filter(
            kind=Proposal.Kind.NEW_LADDER
        )
    )
    return render(
        request,
        "patient_app/goals/goal_list.html",
        {
            "ladders": ladders,
            "new_goal_proposals": new_goal_proposals,
            "form": form or LadderForm(),
        },
        status=400 if form is not None else 200,
    )


@patient_required
@require_POST
def goal_ladder_create(request):
    workspace = _workspace(request)
    form = LadderForm(request.POST)
    if form.is_valid():
        try:
            ladder = services.ladder_create(
                workspace=workspace, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your goal is saved. Now add a first small step."))
            return redirect(_ladder_url(ladder))
    return goal_list(request, form=form)


def _ladder_page(request, ladder, *, status=200, **forms):
    steps = selectors.steps_for_ladder(ladder=ladder)
    proposals = list(selectors.proposals_for_workspace(workspace=ladder.workspace, ladder=ladder))
    changes = list(selectors.history_for_ladder(ladder=ladder)[:HISTORY_ON_PAGE])
    context = {
        "ladder": ladder,
        "steps": steps,
        "open_proposals": [p for p in proposals if p.is_open],
        "answered_proposals": [p for p in proposals if not p.is_open][:10],
        "comments": selectors.comments_for_ladder(ladder=ladder),
        "history": describe_history(changes),
        "step_form": forms.get("step_form") or StepForm(),
        "comment_form": forms.get("comment_form") or CommentForm(),
        "states": StateForm.base_fields["state"].choices,
        "is_patient": True,
    }
    return render(request, "patient_app/goals/ladder.html", context, status=status)


@patient_required
def goal_ladder(request, ladder_id):
    ladder = selectors.ladder_get(workspace=_workspace(request), ladder_id=ladder_id)
    return _ladder_page(request, ladder)


@patient_required
@require_http_methods(["GET", "POST"])
def goal_ladder_edit(request, ladder_id):
    ladder = selectors.ladder_get(workspace=_workspace(request), ladder_id=ladder_id)
    if request.method == "POST":
        form = LadderEditForm(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            version = data.pop("version")
            try:
                services.ladder_update(ladder=ladder, by=request.user, version=version, **data)
            except services.Conflict as error:
                ladder.refresh_from_db()
                _conflict(form, error, ladder)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Saved."))
                return redirect(_ladder_url(ladder))
    else:
        form = LadderEditForm(
            initial={"title": ladder.title, "why": ladder.why, "version": ladder.version}
        )
    return render(
        request,
        "patient_app/goals/ladder_edit.html",
        {"ladder": ladder, "form": form},
        status=400 if form.errors else 200,
    )


@patient_required
@require_POST
def goal_ladder_archive(request, ladder_id):
    ladder = selectors.ladder_get(workspace=_workspace(request), ladder_id=ladder_id)
    archived = request.POST.get("archived") != "0"
    services.ladder_archive(ladder=ladder, by=request.user, archived=archived)
    messages.success(
        request,
        _("The goal is put away. You can bring it back at any time.")
        if archived
        else _("The goal is back on your list."),
    )
    if archived:
        return redirect("patient:goal_list")
    return redirect(_ladder_url(ladder))


@patient_required
@require_POST
def goal_step_add(request, ladder_id):
    ladder = selectors.ladder_get(workspace=_workspace(request), ladder_id=ladder_id)
    form = StepForm(request.POST)
    if form.is_valid():
        try:
            services.step_add(ladder=ladder, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Step added."))
            return redirect(_ladder_url(ladder, "#steps"))
    return _ladder_page(request, ladder, status=400, step_form=form)


def _step_form_page(request, step, form_class, template, initial, apply):
    if request.method == "POST":
        form = form_class(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            version = data.pop("version")
            try:
                apply(step=step, by=request.user, version=version, **data)
            except services.Conflict as error:
                step.refresh_from_db()
                _conflict(form, error, step)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Saved."))
                return redirect(_ladder_url(step.ladder, f"#step-{step.pk}"))
    else:
        form = form_class(initial=initial | {"version": step.version})
    return render(
        request,
        template,
        {"step": step, "ladder": step.ladder, "form": form},
        status=400 if form.errors else 200,
    )


@patient_required
@require_http_methods(["GET", "POST"])
def goal_step_edit(request, step_id):
    step = selectors.step_get(workspace=_workspace(request), step_id=step_id)
    initial = {
        "description": step.description,
        "target_date": step.target_date,
        "difficulty": step.difficulty,
    }
    return _step_form_page(
        request,
        step,
        StepEditForm,
        "patient_app/goals/step_edit.html",
        initial,
        services.step_update,
    )


@patient_required
@require_http_methods(["GET", "POST"])
def goal_step_reflect(request, step_id):
    step = selectors.step_get(workspace=_workspace(request), step_id=step_id)
    initial = {"reflection": step.reflection, "state": step.state}
    return _step_form_page(
        request,
        step,
        ReflectForm,
        "patient_app/goals/step_reflect.html",
        initial,
        services.step_update,
    )


@patient_required
@require_POST
def goal_step_state(request, step_id):
    step = selectors.step_get(workspace=_workspace(request), step_id=step_id)
    form = StateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please choose one of the listed states."))
    else:
        try:
            services.step_update(
                step=step,
                by=request.user,
                version=form.cleaned_data["version"],
                state=form.cleaned_data["state"],
            )
        except services.Conflict as error:
            messages.error(request, error.message)
        else:
            if form.cleaned_data["state"] == "done":
                messages.success(request, _("Well done. How did it go? You can write a few words."))
                return redirect("patient:goal_step_reflect", step.pk)
            messages.success(request, _("Saved."))
    return redirect(_ladder_url(step.ladder, f"#step-{step.pk}"))


@patient_required
@require_POST
def goal_step_move(request, step_id):
    step = selectors.step_get(workspace=_workspace(request), step_id=step_id)
    form = MoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please choose easier or harder."))
    else:
        try:
            services.step_move(step=step, by=request.user, direction=form.cleaned_data["direction"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    return redirect(_ladder_url(step.ladder, f"#step-{step.pk}"))


@patient_required
@require_http_methods(["GET", "POST"])
def goal_step_habit(request, step_id):
    step = selectors.step_get(workspace=_workspace(request), step_id=step_id)
    form = HabitForm(
        request.POST if request.method == "POST" else None, initial={"name": step.description}
    )
    if request.method == "POST" and form.is_valid():
        try:
            habit = services.habit_create(
                workspace=step.ladder.workspace,
                by=request.user,
                source_step=step,
                **form.cleaned_data,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your step is now a habit. Mark each day you do it."))
            return redirect("patient:habit_detail", habit.pk)
    return render(
        request,
        "patient_app/goals/step_habit.html",
        {"step": step, "ladder": step.ladder, "form": form},
        status=400 if form.errors else 200,
    )


@patient_required
@require_http_methods(["GET", "POST"])
def goal_proposal(request, proposal_id):
    """See a proposal next to what is there now; accept it as it is, with changes, or decline."""
    workspace = _workspace(request)
    proposal = selectors.proposal_get(workspace=workspace, proposal_id=proposal_id)
    is_ladder = proposal.kind in (Proposal.Kind.NEW_LADDER, Proposal.Kind.EDIT_LADDER)
    form_class = LadderProposalForm if is_ladder else StepProposalForm
    current = (
        proposal.step
        if proposal.kind == Proposal.Kind.EDIT_STEP
        else (proposal.ladder if proposal.kind == Proposal.Kind.EDIT_LADDER else None)
    )
    fields = ("title", "why") if is_ladder else ("description", "target_date", "difficulty")
    initial = {f: getattr(current, f) for f in fields} if current else {}
    initial.update(proposal.payload)
    form = form_class(initial=initial)
    form.fields.pop("note")
    answer = AnswerForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if not answer.is_valid():
            answer_error = _("Please choose accept or decline.")
            messages.error(request, answer_error)
            status = 400
        else:
            decision = answer.cleaned_data["decision"]
            changes = None
            ok = True
            if decision == "accept":
                form = form_class(request.POST)
                form.fields.pop("note")
                if form.is_valid():
                    changes = {
                        k: v
                        for k, v in form.cleaned_data.items()
                        if proposal.kind.startswith("new")
                        or k in proposal.payload
                        or v != getattr(current, k)
                    }
                else:
                    ok = False
            if ok:
                try:
                    services.proposal_answer(
                        proposal=proposal, by=request.user, decision=decision, changes=changes
                    )
                except services.Conflict as error:
                    messages.error(request, error.message)
                    status = 409
                except ValidationError as error:
                    add_service_errors(form, error)
                    status = 400
                else:
                    proposal.refresh_from_db()
                    messages.success(
                        request, _("Thank you. Your answer is saved and shown in the history.")
                    )
                    if proposal.ladder_id:
                        return redirect(_ladder_url(proposal.ladder, "#history"))
                    return redirect("patient:goal_list")
            else:
                status = 400
    return render(
        request,
        "patient_app/goals/proposal.html",
        {"proposal": proposal, "form": form, "current": current, "fields": fields},
        status=status,
    )


@patient_required
@require_POST
def goal_comment_add(request, ladder_id):
    ladder = selectors.ladder_get(workspace=_workspace(request), ladder_id=ladder_id)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.comment_add(ladder=ladder, by=request.user, body=form.cleaned_data["body"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect(_ladder_url(ladder, "#comments"))
    return _ladder_page(request, ladder, status=400, comment_form=form)


@patient_required
def goal_history(request, ladder_id):
    ladder = selectors.ladder_get(workspace=_workspace(request), ladder_id=ladder_id)
    page = Paginator(selectors.history_for_ladder(ladder=ladder), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "patient_app/goals/history.html",
        {"ladder": ladder, "page": page, "history": describe_history(page.object_list)},
    )


# --- habits ----------------------------------------------------------------------------------


@patient_required
@require_http_methods(["GET", "POST"])
def habit_list(request):
    workspace = _workspace(request)
    form = HabitForm(
        request.POST if request.method == "POST" else None,
        initial={"schedule_kind": ScheduleKind.DAILY.value},
    )
    if request.method == "POST" and form.is_valid():
        try:
            habit = services.habit_create(workspace=workspace, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your habit is saved. Mark each day you do it."))
            return redirect("patient:habit_detail", habit.pk)
    return render(
        request,
        "patient_app/goals/habit_list.html",
        {"habits": selectors.habit_views(workspace=workspace), "form": form},
        status=400 if form.errors else 200,
    )


@patient_required
def habit_detail(request, habit_id):
    habit = selectors.habit_get(workspace=_workspace(request), habit_id=habit_id)
    view = selectors.habit_view(habit=habit)
    marks = [
        (view.today, view.done_today, _("today")),
        (view.today - timedelta(days=1), view.done_yesterday, _("yesterday")),
    ]
    return render(
        request,
        "patient_app/goals/habit_detail.html",
        {"view": view, "habit": habit, "marks": marks},
    )


@patient_required
@require_POST
@idempotent
def habit_check(request, habit_id):
    habit = selectors.habit_get(workspace=_workspace(request), habit_id=habit_id)
    form = CheckForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please choose today or yesterday."))
    else:
        try:
            services.habit_check_set(
                habit=habit,
                by=request.user,
                day=form.cleaned_data["day"],
                done=form.cleaned_data["done"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            if form.cleaned_data["done"]:
                messages.success(request, _("Marked. Another link in your chain."))
            else:
                messages.success(request, _("Unmarked."))
    return redirect("patient:habit_detail", habit.pk)


@patient_required
@require_POST
def habit_archive(request, habit_id):
    habit = selectors.habit_get(workspace=_workspace(request), habit_id=habit_id)
    archived = request.POST.get("archived") != "0"
    services.habit_archive(habit=habit, by=request.user, archived=archived)
    messages.success(request, _("Saved."))
    return redirect("patient:habit_list")
