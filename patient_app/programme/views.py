"""The patient's programme: overview, reader, exercises, library and takeaways.

Everything works without JavaScript: exercise forms post back to the page (Save draft / Save),
and a page is marked done with a button. ``content/static/content/exercise.js`` only adds
saving as you type (through the API) and a local copy while the connection is down.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from care.services import workspace_get_or_create
from content import selectors, services
from content.answers import answer_from_form
from content.models import Enrolment, Exercise, Module, Page, Programme
from patient_app.decorators import patient_required
from records.idempotency import idempotent


def _workspace(request):
    return workspace_get_or_create(patient=request.user)


def _programme_or_404(programme_id) -> Programme:
    try:
        return selectors.programme_get(programme_id)
    except (Programme.DoesNotExist, ValidationError):
        raise Http404 from None


@patient_required
def overview(request):
    workspace = _workspace(request)
    enrolments = {e.programme_id: e for e in selectors.enrolments_for_workspace(workspace)}
    programmes = [
        selectors.programme_progress(p, enrolments.get(p.pk))
        for p in selectors.programmes_published()
    ]
    return render(request, "patient_app/programme/overview.html", {"programmes": programmes})


@patient_required
def resume(request):
    """Continue where you left off: the most recently used programme's resume page."""
    workspace = _workspace(request)
    enrolments = sorted(
        selectors.enrolments_for_workspace(workspace),
        key=lambda e: e.last_visited_at or e.created_at,
        reverse=True,
    )
    if not enrolments:
        return redirect("patient:programme_overview")
    page = selectors.programme_progress(enrolments[0].programme, enrolments[0]).resume_page()
    if page is None:
        return redirect("patient:programme_overview")
    return redirect("patient:programme_page", page_id=page.pk)


@patient_required
@require_POST
def start(request, programme_id):
    programme = _programme_or_404(programme_id)
    enrolment = services.enrolment_start(
        workspace=_workspace(request), programme=programme, by=request.user
    )
    page = selectors.programme_progress(programme, enrolment).resume_page()
    if page is None:
        return redirect("patient:programme_overview")
    return redirect("patient:programme_page", page_id=page.pk)


@patient_required
@require_POST
def pause(request, enrolment_id):
    workspace = _workspace(request)
    try:
        enrolment = Enrolment.objects.get(pk=enrolment_id, workspace=workspace)
    except (Enrolment.DoesNotExist, ValidationError):
        raise Http404 from None
    paused = request.POST.get("paused") == "1"
    services.enrolment_pause(enrolment=enrolment, by=request.user, paused=paused)
    messages.success(
        request,
        _("Your programme is paused. Everything is kept for when you come back.")
        if paused
        else _("Welcome back. Your programme is running again."),
    )
    return redirect("patient:programme_overview")


@patient_required
def module(request, module_id):
    """Open a module where the patient left off in it (or at its first page)."""
    try:
        target = Module.objects.get(pk=module_id, retired=False, programme__published=True)
    except (Module.DoesNotExist, ValidationError):
        raise Http404 from None
    enrolment = selectors.enrolment_for(_workspace(request), target.programme)
    progress = selectors.programme_progress(target.programme, enrolment)
    state = next(m for m in progress.modules if m.module.pk == target.pk)
    pages = [p for p, pr in state.pages if pr is None or pr.completed_at is None] or [
        p for p, _ in state.pages
    ]
    if not pages:
        raise Http404
    return redirect("patient:programme_page", page_id=pages[0].pk)


def _exercise_rows(exercises, answers, posted=None):
    """What the exercise form template needs: the exercise, its stored answer, and values."""
    rows = {}
    for slug, exercise in exercises.items():
        answer = answers.get(exercise.pk)
        values = dict(answer.data) if answer else {}
        errors = {}
        if posted and posted["exercise"].pk == exercise.pk:
            values, errors = posted["values"], posted["errors"]
        rows[slug] = {
            "exercise": exercise,
            "answer": answer,
            "fields": _fields_with_values(exercise.fields, values, errors),
            "errors": errors.get("data", []),
        }
    return rows


def _fields_with_values(fields, values, errors):
    result = []
    for spec in fields:
        value = values.get(spec["name"])
        item = dict(spec, value=value, errors=errors.get(spec["name"], []))
        if spec["type"] == "scale":
            item["steps"] = [
                {"value": n, "checked": value is not None and str(value) == str(n)}
                for n in range(spec["min"], spec["max"] + 1)
            ]
        elif spec["type"] in ("choice", "checklist"):
            chosen = value if isinstance(value, list) else [value]
            item["choices"] = [
                dict(o, checked=o["value"] in chosen) for o in spec.get("options", [])
            ]
        result.append(item)
    return result


def _save_posted_answer(request, *, enrolment, exercise, page):
    """Save an exercise form. Returns (answer, posted) where posted holds the patient's typed
    values and errors when the answer was refused (so nothing they typed is lost)."""
    data = answer_from_form(exercise.fields, request.POST)
    submit = request.POST.get("submit") == "1"
    try:
        answer = services.answer_save(
            enrolment=enrolment,
            exercise=exercise,
            data=data,
            by=request.user,
            submit=submit,
            page=page,
        )
    except ValidationError as error:
        errors = error.message_dict if hasattr(error, "error_dict") else {"data": error.messages}
        return None, {"exercise": exercise, "values": data, "errors": errors}
    messages.success(request, _("Saved.") if submit else _("Draft saved."))
    return answer, None


@patient_required
@require_http_methods(["GET", "POST"])
@idempotent
def page(request, page_id):
    try:
        current = selectors.page_get(page_id)
    except (Page.DoesNotExist, ValidationError):
        raise Http404 from None
    programme = current.module.programme
    workspace = _workspace(request)
    enrolment = selectors.enrolment_for(workspace, programme)
    exercises = selectors.exercises_for_page(current)
    posted, status, form_error = None, 200, ""
    if request.method == "POST":
        action = request.POST.get("action")
        if action in ("answer", "complete", "reopen") and enrolment is None:
            enrolment = services.enrolment_start(
                workspace=workspace, programme=programme, by=request.user
            )
        if action == "answer":
            exercise = exercises.get(request.POST.get("exercise", ""))
            if exercise is None:
                form_error = _("This exercise is not on this page.")
            else:
                _answer, posted = _save_posted_answer(
                    request, enrolment=enrolment, exercise=exercise, page=current
                )
                if posted is None:
                    return redirect(
                        reverse("patient:programme_page", args=[current.pk])
                        + f"#exercise-{exercise.slug}"
                    )
                status = 400
        elif action in ("complete", "reopen"):
            services.page_complete(
                enrolment=enrolment, page=current, by=request.user, done=action == "complete"
            )
            if action == "complete":
                following = request.POST.get("next")
                nxt = _next_page(programme, enrolment, current)
                if following == "1" and nxt is not None:
                    return redirect("patient:programme_page", page_id=nxt.pk)
                messages.success(request, _("Page marked as done. Well done."))
            return redirect("patient:programme_page", page_id=current.pk)
        else:
            form_error = _("Nothing was saved: please use one of the buttons on the page.")
    if enrolment is not None and request.method == "GET":
        services.page_visit(enrolment=enrolment, page=current, by=request.user)
    progress = selectors.programme_progress(programme, enrolment)
    state = next(m for m in progress.modules if m.module.pk == current.module_id)
    ordered = [p for m in progress.modules for p, _ in m.pages]
    index = next((i for i, p in enumerate(ordered) if p.pk == current.pk), 0)
    page_progress = next((pr for p, pr in state.pages if p.pk == current.pk), None)
    answers = selectors.answers_by_exercise(enrolment, exercises.values())
    rows = _exercise_rows(exercises, answers, posted)
    blocks = []
    for block in current.blocks:
        item = dict(block)
        if block["type"] in ("exercise", "reflection"):
            item["form"] = rows.get(block["exercise"])
        blocks.append(item)
    if request.method == "GET" and answers:
        services.answer_feedback_mark_seen(answers=answers.values(), by=request.user)
    module_pages = [p for p, _ in state.pages]
    is_last_in_module = module_pages and module_pages[-1].pk == current.pk
    first_ever = enrolment is not None and enrolment.prescribed_by_id and index == 0
    return render(
        request,
        "patient_app/programme/page.html",
        {
            "workspace": workspace,
            "programme": programme,
            "page": current,
            "module": current.module,
            "module_state": state,
            "blocks": blocks,
            "enrolment": enrolment,
            "page_progress": page_progress,
            "previous": ordered[index - 1] if index > 0 else None,
            "next": ordered[index + 1] if index + 1 < len(ordered) else None,
            "try_ladders": _try_ladders(workspace) if is_last_in_module else [],
            "position": module_pages.index(current) + 1 if current in module_pages else 1,
            "is_last_in_module": is_last_in_module,
            "notes": selectors.prescriber_notes(enrolment) if first_ever else [],
            "form_error": form_error,
        },
        status=status,
    )


def _next_page(programme, enrolment, current):
    ordered = [
        p for m in selectors.programme_progress(programme, enrolment).modules for p, _ in m.pages
    ]
    for i, p in enumerate(ordered):
        if p.pk == current.pk and i + 1 < len(ordered):
            return ordered[i + 1]
    return None


@patient_required
def library(request):
    exercises = list(selectors.exercises_library())
    return render(request, "patient_app/programme/library.html", {"exercises": exercises})


@patient_required
@require_http_methods(["GET", "POST"])
@idempotent
def exercise(request, exercise_id):
    """One exercise on its own, from the library. Answers are shared with the pages using it."""
    try:
        item = selectors.exercise_get(exercise_id)
    except (Exercise.DoesNotExist, ValidationError):
        raise Http404 from None
    workspace = _workspace(request)
    enrolment = selectors.enrolment_for(workspace, item.programme)
    posted, status = None, 200
    if request.method == "POST":
        if request.POST.get("action") != "answer":
            posted = {
                "exercise": item,
                "values": {},
                "errors": {"data": [_("Nothing was saved: please use the Save buttons.")]},
            }
        else:
            if enrolment is None:
                enrolment = services.enrolment_start(
                    workspace=workspace, programme=item.programme, by=request.user
                )
            _answer, posted = _save_posted_answer(
                request, enrolment=enrolment, exercise=item, page=None
            )
            if posted is None:
                return redirect("patient:exercise_detail", exercise_id=item.pk)
            status = 400
    answers = selectors.answers_by_exercise(enrolment, [item])
    row = _exercise_rows({item.slug: item}, answers, posted)[item.slug]
    if request.method == "GET" and answers:
        services.answer_feedback_mark_seen(answers=answers.values(), by=request.user)
    return render(
        request,
        "patient_app/programme/exercise.html",
        {"exercise": item, "form": row, "workspace": workspace},
        status=status,
    )


@patient_required
def takeaways(request):
    workspace = _workspace(request)
    rows = selectors.takeaways_for_workspace(workspace)
    modules = []
    for enrolment in selectors.enrolments_for_workspace(workspace):
        progress = selectors.programme_progress(enrolment.programme, enrolment)
        for state in progress.modules:
            modules.append(
                {
                    "module": state.module,
                    "state": state.state,
                    "items": [r for r in rows if r["module"] and r["module"].pk == state.module.pk],
                }
            )
    loose = [r for r in rows if r["module"] is None]
    return render(
        request, "patient_app/programme/takeaways.html", {"modules": modules, "loose": loose}
    )


def _try_ladders(workspace):
    """The patient's current goal ladders, to offer as a home for the module's try-this-week."""
    from goals.models import Ladder

    return list(
        Ladder.objects.filter(workspace=workspace, archived_at__isnull=True)
        .only("pk", "title")
        .order_by("title")
    )


@patient_required
@require_POST
def try_this_week(request, module_id):
    """The module's "try this week" step becomes a habit, or a step on a goal ladder (a chosen
    one of the patient's own, or a new ladder "From my programme" when none is chosen)."""
    from goals import selectors as goals_selectors
    from goals import services as goals
    from goals.models import TEXT_SHORT

    try:
        target = Module.objects.get(pk=module_id, retired=False, programme__published=True)
    except (Module.DoesNotExist, ValidationError):
        raise Http404 from None
    action = request.POST.get("action")
    if action not in ("habit", "ladder") or not target.try_this_week:
        return HttpResponseBadRequest(_("Nothing was changed: please use one of the buttons."))
    workspace = _workspace(request)
    back = redirect("patient:programme_module", module_id=target.pk)
    text = Truncator(target.try_this_week).chars(TEXT_SHORT)
    try:
        if action == "habit":
            habit = goals.habit_create(workspace=workspace, by=request.user, name=text)
            messages.success(request, _("It is now a habit. Mark the days you do it."))
            return redirect("patient:habit_detail", habit_id=habit.pk)
        ladder_id = request.POST.get("ladder") or ""
        if ladder_id:
            try:
                ladder = goals_selectors.ladder_get(workspace=workspace, ladder_id=ladder_id)
            except (Http404, ValidationError, ObjectDoesNotExist):
                messages.error(request, _("Please choose one of your goals."))
                return back
        else:
            ladder = goals.ladder_create(
                workspace=workspace, by=request.user, title=_("From my programme")
            )
        step = goals.step_add(ladder=ladder, by=request.user, description=text)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return back
    messages.success(request, _("It is now a step on your goal ladder."))
    return redirect(reverse("patient:goal_ladder", args=[ladder.pk]) + f"#step-{step.pk}")
