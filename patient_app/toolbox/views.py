"""The patient's toolbox pages: crisis plan, check-ins, network map and journal.

Plain server-rendered pages with ordinary forms: everything works without JavaScript, and the
crisis plan touches nothing but the database (no cache, no channel layer on the read path).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from care import services as care
from config.confirmation import confirmation_page
from patient_app.decorators import patient_required
from records.idempotency import idempotent
from toolbox import selectors, services
from toolbox.forms import (
    CheckInForm,
    CrisisItemEditForm,
    CrisisItemForm,
    DecisionForm,
    JournalEntryForm,
    NetworkContactForm,
)
from toolbox.network_map import network_map

HISTORY_PAGE = 30
PERIODS = {"week": 7, "month": 30}


def _workspace(request):
    return care.workspace_get_or_create(patient=request.user)


def _errors_to_form(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


# --- crisis plan -----------------------------------------------------------------------------


def _crisis_page(request, *, failed_form=None, failed_kind=None, status=200):
    workspace = _workspace(request)
    plan = selectors.crisis_plan_for_viewer(user=request.user, workspace=workspace)
    for part in plan.parts:
        if failed_kind == part.kind:
            part.form = failed_form
        else:
            part.form = CrisisItemForm(initial={"kind": part.kind}, auto_id=f"id_{part.kind}_%s")
    return render(request, "patient_app/toolbox/crisis_plan.html", {"plan": plan}, status=status)


@patient_required
def crisis_plan(request):
    return _crisis_page(request)


@patient_required
@require_POST
def crisis_item_add(request):
    kind = request.POST.get("kind", "")
    form = CrisisItemForm(request.POST, auto_id=f"id_{kind}_%s")
    if form.is_valid():
        try:
            services.crisis_item_add(
                workspace=_workspace(request), by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("Added to your crisis plan."))
            return redirect(reverse("patient:crisis_plan") + f"#part-{kind}")
    if kind not in {value for value, _label in form.fields["kind"].choices}:
        messages.error(request, _("Please choose a part of the plan."))
        return _crisis_page(request)
    return _crisis_page(request, failed_form=form, failed_kind=kind)


@patient_required
@require_http_methods(["GET", "POST"])
def crisis_item_edit(request, item_id):
    item = selectors.crisis_item_for_owner(user=request.user, item_id=item_id)
    form = CrisisItemEditForm(
        request.POST or None, initial={"text": item.text, "contact": item.contact}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.crisis_item_update(item=item, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(reverse("patient:crisis_plan") + f"#part-{item.kind}")
    return render(
        request, "patient_app/toolbox/crisis_item_edit.html", {"item": item, "form": form}
    )


@patient_required
@require_POST
def crisis_item_remove(request, item_id):
    item = selectors.crisis_item_for_owner(user=request.user, item_id=item_id)
    kind = item.kind
    back = reverse("patient:crisis_plan") + f"#part-{kind}"
    ask = confirmation_page(
        request,
        title=_("Remove this from your crisis plan?"),
        consequences=[
            _("“%(text)s” is taken off your crisis plan.") % {"text": item.text},
            _("It cannot be brought back; you can add it again at any time."),
        ],
        confirm_label=_("Yes, remove it"),
        back_url=back,
    )
    if ask is not None:
        return ask
    services.crisis_item_remove(item=item, by=request.user)
    messages.success(request, _("Removed from your crisis plan."))
    return redirect(reverse("patient:crisis_plan") + f"#part-{kind}")


@patient_required
@require_POST
def crisis_suggestion_decide(request, suggestion_id):
    suggestion = selectors.suggestion_for_owner(user=request.user, suggestion_id=suggestion_id)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please choose to accept or decline the suggestion."))
        return redirect("patient:crisis_plan")
    accept = form.cleaned_data["decision"] == "accept"
    try:
        services.crisis_suggestion_decide(suggestion=suggestion, by=request.user, accept=accept)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Added to your crisis plan.") if accept else _("Suggestion declined."),
        )
    return redirect("patient:crisis_plan")


# --- check-ins -------------------------------------------------------------------------------


@patient_required
@require_http_methods(["GET", "POST"])
@idempotent
def checkin_today(request):
    workspace = _workspace(request)
    today = services.local_today(request.user)
    existing = workspace.checkins.filter(day=today).first()
    initial = {}
    if existing:
        initial = {
            f: getattr(existing, f)
            for f in ("mood", "symptoms", "energy", "sleep", "activities", "note", "private")
        }
    form = CheckInForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.checkin_save(
                workspace=workspace, by=request.user, day=today, **form.cleaned_data
            )
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("Thank you. Today's check-in is saved."))
            return redirect("patient:checkin_history")
    return render(
        request,
        "patient_app/toolbox/checkin_today.html",
        {"form": form, "today": today, "existing": existing},
    )


@patient_required
def checkin_history(request):
    workspace = _workspace(request)
    page = Paginator(
        selectors.checkins_for_viewer(user=request.user, workspace=workspace), HISTORY_PAGE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "patient_app/toolbox/checkin_history.html",
        {"page": page, "today": services.local_today(request.user)},
    )


@patient_required
@require_POST
def checkin_privacy(request, checkin_id):
    checkin = selectors.checkin_for_owner(user=request.user, checkin_id=checkin_id)
    private = request.POST.get("private") == "on"
    services.checkin_set_private(checkin=checkin, by=request.user, private=private)
    messages.success(
        request,
        _("This entry is now private.")
        if private
        else _("This entry is visible again to those who see your check-ins."),
    )
    return redirect(reverse("patient:checkin_history") + f"#checkin-{checkin.pk}")


def trend_context(request, *, user, workspace, today) -> dict:
    """Shared by the patient's and the clinician's trend views: ``?period=week|month``."""
    period = request.GET.get("period", "week")
    if period not in PERIODS:
        period = "week"
    return {
        "trend": selectors.checkin_trend(
            user=user, workspace=workspace, end=today, days=PERIODS[period]
        ),
        "period": period,
    }


@patient_required
def checkin_trends(request):
    workspace = _workspace(request)
    context = trend_context(
        request, user=request.user, workspace=workspace, today=services.local_today(request.user)
    )
    return render(request, "patient_app/toolbox/checkin_trends.html", context)


# --- network map -----------------------------------------------------------------------------


@patient_required
@require_http_methods(["GET", "POST"])
def network(request):
    workspace = _workspace(request)
    form = NetworkContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.network_contact_save(workspace=workspace, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("Added to your network map."))
            return redirect("patient:network")
    contacts = selectors.network_for_viewer(user=request.user, workspace=workspace)
    return render(
        request,
        "patient_app/toolbox/network.html",
        {"form": form, "contacts": contacts, "map": network_map(contacts)},
    )


@patient_required
@require_http_methods(["GET", "POST"])
def network_edit(request, contact_id):
    contact = selectors.network_contact_for_owner(user=request.user, contact_id=contact_id)
    initial = {f: getattr(contact, f) for f in services.NETWORK_FIELDS}
    form = NetworkContactForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.network_contact_save(
                workspace=contact.workspace, by=request.user, contact=contact, **form.cleaned_data
            )
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("patient:network")
    return render(
        request, "patient_app/toolbox/network_edit.html", {"form": form, "contact": contact}
    )


@patient_required
@require_POST
def network_remove(request, contact_id):
    contact = selectors.network_contact_for_owner(user=request.user, contact_id=contact_id)
    ask = confirmation_page(
        request,
        title=_("Remove this person from your network map?"),
        consequences=[
            _("%(name)s and what you noted about them are taken off your network map.")
            % {"name": contact.name},
            _("This cannot be undone; you can add them again at any time."),
        ],
        confirm_label=_("Yes, remove"),
        back_url=reverse("patient:network"),
    )
    if ask is not None:
        return ask
    services.network_contact_remove(contact=contact, by=request.user)
    messages.success(request, _("Removed from your network map."))
    return redirect("patient:network")


# --- journal ---------------------------------------------------------------------------------


@patient_required
@require_http_methods(["GET", "POST"])
def journal(request):
    workspace = _workspace(request)
    form = JournalEntryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.journal_entry_save(workspace=workspace, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("Saved in your journal."))
            return redirect("patient:journal")
    page = Paginator(
        selectors.journal_for_viewer(user=request.user, workspace=workspace), HISTORY_PAGE
    ).get_page(request.GET.get("page"))
    return render(request, "patient_app/toolbox/journal.html", {"form": form, "page": page})


@patient_required
@require_http_methods(["GET", "POST"])
def journal_edit(request, entry_id):
    entry = selectors.journal_entry_for_owner(user=request.user, entry_id=entry_id)
    form = JournalEntryForm(
        request.POST or None,
        initial={
            "title": entry.title,
            "body": entry.body,
            "shared": entry.shared,
            "for_relatives": entry.for_relatives,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.journal_entry_save(
                workspace=entry.workspace, by=request.user, entry=entry, **form.cleaned_data
            )
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("patient:journal")
    return render(request, "patient_app/toolbox/journal_edit.html", {"form": form, "entry": entry})


@patient_required
@require_POST
def journal_remove(request, entry_id):
    entry = selectors.journal_entry_for_owner(user=request.user, entry_id=entry_id)
    ask = confirmation_page(
        request,
        title=_("Delete this journal entry?"),
        consequences=[
            _("The entry “%(title)s” from %(date)s is deleted for good.")
            % {
                "title": entry.title or _("(untitled)"),
                "date": date_format(localtime(entry.created_at), "DATE_FORMAT"),
            },
            _("If you shared it, your care team no longer sees it."),
            _("This cannot be undone."),
        ],
        confirm_label=_("Yes, delete"),
        back_url=reverse("patient:journal"),
    )
    if ask is not None:
        return ask
    services.journal_entry_remove(entry=entry, by=request.user)
    messages.success(request, _("The entry is deleted."))
    return redirect("patient:journal")
