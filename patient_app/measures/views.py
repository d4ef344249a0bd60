"""The patient's questionnaires: what is due, answering, scores over time, the personal
measure and the support page of the safety flow. Plain server-rendered pages: the safety flow
needs no JavaScript, websocket or Redis."""

from __future__ import annotations

import contextlib
import uuid

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alerts import selectors as alert_selectors
from care import services as care_services
from measures import charts, outcomes, selectors, services
from measures.definitions import NOT_APPLICABLE, offered_instruments, version_for
from measures.models import Response
from patient_app.decorators import patient_required
from toolbox import models as toolbox_models
from toolbox import selectors as toolbox_selectors


def _workspace(request):
    return care_services.workspace_get_or_create(patient=request.user)


def _trends(workspace):
    trends = selectors.trends_for_workspace(workspace, language=get_language())
    for trend in trends:
        trend.chart = charts.chart(trend)
    return trends


def _overview_context(workspace) -> dict:
    return {
        "due": selectors.due_for_workspace(
            workspace, today=timezone.localdate(), language=get_language()
        ),
        "trends": _trends(workspace),
        "outcome": outcomes.outcome_for_workspace(workspace),
        "reach": alert_selectors.risk_reach(workspace=workspace),
        "instruments": list(offered_instruments(get_language()).values()),
        "in_progress": {
            r.instrument: r
            for r in selectors.responses_for_workspace(workspace).filter(
                status=Response.Status.IN_PROGRESS
            )
        },
    }


@patient_required
@require_GET
def overview(request):
    workspace = _workspace(request)
    return render(request, "patient_app/measures/overview.html", _overview_context(workspace))


@patient_required
@require_POST
def start(request):
    workspace = _workspace(request)
    try:
        response = services.response_start(
            workspace=workspace,
            instrument=request.POST.get("instrument", ""),
            by=request.user,
            language=get_language(),
        )
    except ValidationError:
        context = _overview_context(workspace) | {
            "start_error": _("Please choose one of the questionnaires listed.")
        }
        return render(request, "patient_app/measures/overview.html", context, status=400)
    return redirect("patient:measure_response", response_id=response.pk)


def _answers_from_post(post) -> dict:
    return {
        key.removeprefix("item-"): value
        for key, value in post.items()
        if key.startswith("item-") and value != ""
    }


def _items_for_form(definition, answers: dict) -> list[dict]:
    return [
        {
            "item": item,
            "answer": answers.get(str(item.number)),
            "not_applicable": NOT_APPLICABLE,
            "is_last": n == len(definition.items),
            "next_number": definition.items[n].number if n < len(definition.items) else None,
        }
        for n, item in enumerate(definition.items, start=1)
    ]


@patient_required
@require_http_methods(["GET", "POST"])
def response_page(request, response_id):
    """Answer (while in progress) or see the result (once finished).

    The questionnaire is shown in the version ``definitions.version_for`` offers the reader
    (English, with a note, while their language's version is unverified); saving passes the
    same language, so the response records the version that was shown."""
    workspace = _workspace(request)
    try:
        response = selectors.response_for_workspace(workspace, response_id)
    except Response.DoesNotExist:
        raise Http404 from None
    if selectors.instrument_or_none(response.instrument) is None:
        raise Http404
    language = get_language()
    version = version_for(response.instrument, language)
    definition = version.instrument
    errors = []
    if request.method == "POST" and not response.is_completed:
        action = request.POST.get("action", "save")
        try:
            result = services.response_save_answers(
                response=response,
                answers=_answers_from_post(request.POST),
                by=request.user,
                language=language,
            )
        except ValidationError as error:
            errors = error.messages
        else:
            if result.new_safety_event:
                if action == "finish":
                    # Finish means finished: the response and its total are stored first. If an
                    # answer is still missing, the support page still comes first and offers the
                    # way back to the questionnaire.
                    with contextlib.suppress(ValidationError):
                        services.response_complete(response=result.response, by=request.user)
                return redirect(reverse("patient:measures_support") + f"?response={response.pk}")
            if action == "finish":
                try:
                    services.response_complete(response=result.response, by=request.user)
                except ValidationError as error:
                    errors = error.messages
                else:
                    return redirect("patient:measure_response", response_id=response.pk)
            elif action.startswith("next-"):
                return redirect(
                    reverse("patient:measure_response", args=[response.pk])
                    + "#item-"
                    + action.removeprefix("next-")[:4]
                )
            else:
                return redirect("patient:measures")
        response.refresh_from_db()
    if response.is_completed:
        trend = next(
            (t for t in _trends(workspace) if t.instrument.code == response.instrument), None
        )
        return render(
            request,
            "patient_app/measures/result.html",
            {
                "response": response,
                "definition": definition,
                "band": definition.band_for(response.total),
                "trend": trend,
                "safety": response.safety_events.exists(),
                "reach": alert_selectors.risk_reach(workspace=workspace),
            },
        )
    return render(
        request,
        "patient_app/measures/answer.html",
        {
            "response": response,
            "definition": definition,
            "items": _items_for_form(definition, response.answers),
            "version_note": version.note,
            "answered": len(response.answers),
            "errors": errors,
            "safety": response.safety_events.exists(),
            "reach": alert_selectors.risk_reach(workspace=workspace),
        },
        status=400 if errors else 200,
    )


@patient_required
@require_GET
def support(request):
    """What to do now. Shown at once after a risk answer, and always reachable."""
    continue_url = None
    workspace = _workspace(request)
    raw = request.GET.get("response", "")
    try:
        response = selectors.response_for_workspace(workspace, uuid.UUID(raw))
    except (ValueError, Response.DoesNotExist):
        response = None
    if response is not None and not response.is_completed:
        continue_url = reverse("patient:measure_response", args=[response.pk])
    # The patient's own crisis plan comes first: their words, their people, their numbers.
    # Read through the toolbox selector (the owner always passes its section check).
    plan = toolbox_selectors.crisis_plan_for_viewer(user=request.user, workspace=workspace)
    parts = {part.kind: part for part in plan.parts}
    emergency = parts.pop(toolbox_models.CrisisKind.EMERGENCY.value, None)
    return render(
        request,
        "patient_app/measures/support.html",
        {
            "continue_url": continue_url,
            "reach": alert_selectors.risk_reach(workspace=workspace),
            "plan": plan,
            "plan_parts": [part for part in parts.values() if part.items],
            "plan_emergency_items": emergency.items if emergency else [],
        },
    )


@patient_required
@require_http_methods(["GET", "POST"])
def personal(request):
    """Up to three things that matter to me, and how each is going (0-10)."""
    workspace = _workspace(request)
    errors = []
    if request.method == "POST":
        try:
            if request.POST.get("action") == "items":
                services.personal_items_set(
                    workspace=workspace,
                    texts=[request.POST.get(f"text-{n}", "") for n in (1, 2, 3)],
                    by=request.user,
                )
            else:
                client_id = request.POST.get("client_id", "")
                try:
                    client_uuid = uuid.UUID(client_id)
                except ValueError:
                    client_uuid = None
                services.personal_check_record(
                    workspace=workspace,
                    ratings={
                        key.removeprefix("rating-"): value
                        for key, value in request.POST.items()
                        if key.startswith("rating-")
                    },
                    by=request.user,
                    client_id=client_uuid,
                )
        except ValidationError as error:
            errors = error.messages
        else:
            return redirect("patient:measures_personal")
    items = selectors.personal_items(workspace)
    return render(
        request,
        "patient_app/measures/personal.html",
        {
            "items": items,
            "slots": [(n, items[n - 1].text if n <= len(items) else "") for n in (1, 2, 3)],
            "checks": selectors.personal_checks(workspace),
            "client_id": uuid.uuid4(),
            "scale": range(11),
            "errors": errors,
        },
        status=400 if errors else 200,
    )


@require_GET
def reminder_open(request, token):
    """Public: the link in a reminder e-mail. It marks the reminder opened (nothing else, and
    never signs anyone in), then sends the visitor to their questionnaires."""
    services.reminder_opened(token=token)
    return redirect("patient:measures")
