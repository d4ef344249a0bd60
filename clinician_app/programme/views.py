"""Prescribing the programme, and reading a patient's exercise answers (with consent)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from care import policies
from care.forms import add_service_errors
from care.sections import Section
from clinician_app.decorators import clinician_required
from clinician_app.programme.forms import PrescribeForm
from content import selectors, services
from content.models import ExerciseAnswer
from content.translations import language_versions
from guidance import timer


@clinician_required
@require_http_methods(["GET", "POST"])
def prescribe(request, workspace_id):
    workspace = policies.workspace_for_user(request.user, workspace_id)
    form = PrescribeForm(request.POST or None, programmes=selectors.programmes_published())
    if request.method == "POST" and form.is_valid():
        try:
            services.programme_prescribe(
                workspace=workspace,
                programme=form.cleaned_data["programme"],
                by=request.user,
                note=form.cleaned_data["note"],
                start_on=form.cleaned_data["start_on"],
                recommended_modules=form.cleaned_data["recommended_modules"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("The programme is prescribed. The patient sees it on their dashboard.")
            )
            return redirect("clinician:patient_overview", workspace_id=workspace.pk)
    versions = [
        {"programme": programme, "languages": language_versions(programme)}
        for programme in selectors.programmes_published()
    ]
    return render(
        request,
        "clinician_app/programme/prescribe.html",
        {"form": form, "workspace": workspace, "patient": workspace.patient, "versions": versions},
    )


@clinician_required
def answers(request, workspace_id):
    """Submitted exercise answers (drafts stay private). Needs the 'journal' section."""
    workspace = policies.workspace_read(
        user=request.user, workspace_id=workspace_id, section=Section.JOURNAL, via="web"
    )
    rows = [
        {"answer": a, "items": answer_items(a)}
        for a in selectors.answers_for_workspace(workspace, submitted_only=True)
    ]
    return render(
        request,
        "clinician_app/programme/answers.html",
        {"workspace": workspace, "patient": workspace.patient, "rows": rows},
    )


def answer_items(answer) -> list[dict]:
    """(label, readable value) for each answered field, in the exercise's order."""
    return [
        {"label": spec["label"], "value": selectors.display_value(spec, answer.data[spec["name"]])}
        for spec in answer.exercise.fields
        if spec["name"] in answer.data
    ]


@clinician_required
@require_POST
def feedback(request, workspace_id, answer_id):
    """Reply to a submitted answer. Needs the 'journal' section, like reading the answers."""
    workspace = policies.workspace_for_change(
        user=request.user, workspace_id=workspace_id, section=Section.JOURNAL
    )
    try:
        answer = ExerciseAnswer.objects.select_related("enrolment__workspace").get(
            pk=answer_id,
            enrolment__workspace=workspace,
            status=ExerciseAnswer.Status.SUBMITTED,
        )
    except (ExerciseAnswer.DoesNotExist, ValidationError):
        raise Http404 from None
    text = request.POST.get("text", "")
    if not text.strip() or len(text) > 2000:
        messages.error(request, _("Please write a reply of up to 2000 characters."))
    else:
        try:
            services.answer_feedback_add(
                answer=answer, by=request.user, text=text, time_spent=timer.time_spent(request)
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, _("Your reply is saved. The patient sees it on their dashboard.")
            )
    return redirect(
        reverse("clinician:programme_answers", args=[workspace.pk]) + f"#answer-{answer.pk}"
    )
