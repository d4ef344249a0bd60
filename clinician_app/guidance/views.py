"""Guidance time pages: a clinician's monthly service report (page and CSV) and, per patient,
their own entries with a form to add time by hand or correct an entry.

Only the clinician's own entries appear. A patient is named only while the clinician is in
their care team (``care.policies``); time for a former patient is listed without a name.
"""

from __future__ import annotations

import csv
import uuid
from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from care import policies
from care.forms import add_service_errors
from clinician_app.decorators import clinician_required
from clinician_app.guidance.forms import GuidanceEntryForm
from config.input_hygiene import validate_sensible_date
from guidance import selectors, services
from guidance.models import GuidanceEntry, GuidanceKind

ACCESS_SECTION = "guidance"


def _parse_month(value: str | None) -> date | None:
    """``YYYY-MM`` -> the first of that month; None when missing, malformed or outside the
    sensible range (1900 to 2100: the report reaches into the following month)."""
    if not value:
        return None
    try:
        year, month = value.split("-")
        if len(year) != 4 or len(month) != 2:
            return None
        first = date(int(year), int(month), 1)
        validate_sensible_date(first)
    except (ValueError, TypeError, ValidationError):
        return None
    return first


def _shift(month: date, by: int) -> date:
    index = month.year * 12 + month.month - 1 + by
    return date(index // 12, index % 12 + 1, 1)


def _report_rows(request, month: date):
    rows = selectors.report_for_clinician(clinician=request.user, month=month)
    policies.list_read(
        user=request.user,
        workspaces=[r.workspace for r in rows if r.workspace is not None],
        section=ACCESS_SECTION,
        via="web",
    )
    return rows


@clinician_required
def report(request):
    this_month = timezone.localdate().replace(day=1)
    month = _parse_month(request.GET.get("month"))
    if month is None:
        if request.GET.get("month"):
            messages.warning(request, _("That month is not known: showing this month."))
        month = this_month
    rows = _report_rows(request, month)
    return render(
        request,
        "clinician_app/guidance/report.html",
        {
            "month": month,
            "previous": _shift(month, -1),
            "next": _shift(month, 1) if month < this_month else None,
            "rows": rows,
            "kinds": GuidanceKind.choices,
            "total": sum(r.minutes for r in rows),
        },
    )


@clinician_required
def report_csv(request):
    month = _parse_month(request.GET.get("month") or timezone.localdate().strftime("%Y-%m"))
    if month is None:
        return HttpResponseBadRequest(
            _("Please give a month from 1900-01 to 2100-12 as YYYY-MM, for example 2026-11."),
            content_type="text/plain; charset=utf-8",
        )
    rows = _report_rows(request, month)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="guidance-{month:%Y-%m}.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [_("Month"), _("Patient"), _("Reference"), _("Minutes"), _("Entries")]
        + [label for _value, label in GuidanceKind.choices]
    )
    for row in rows:
        name = row.patient_name if row.patient_name is not None else _("Former patient")
        writer.writerow(
            [f"{month:%Y-%m}", _csv_safe(name), str(row.workspace_id), row.minutes, row.entries]
            + [row.by_kind[value] for value, _label in GuidanceKind.choices]
        )
    return response


def _csv_safe(text: str) -> str:
    """A name opened in a spreadsheet must not run as a formula (CSV injection)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _own_entry(request, workspace, entry_id) -> GuidanceEntry | None:
    if entry_id is None:
        return None
    return GuidanceEntry.objects.filter(
        pk=entry_id, workspace=workspace, clinician=request.user
    ).first()


@clinician_required
def patient_entries(request, workspace_id):
    workspace = policies.workspace_for_user(request.user, workspace_id)
    membership = policies.active_membership(request.user, workspace)
    if membership is None:
        raise Http404
    form = GuidanceEntryForm(request.POST or None)
    if request.method == "GET" and request.GET.get("edit"):
        editing = _own_entry(request, workspace, _uuid_or_none(request.GET["edit"]))
        if editing is not None:
            form = GuidanceEntryForm(
                initial={
                    "entry": editing.pk,
                    "kind": editing.kind,
                    "minutes": editing.minutes,
                    "occurred_on": timezone.localdate(editing.occurred_at),
                    "note": editing.note,
                }
            )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        entry_id = data.pop("entry")
        try:
            if entry_id is not None:
                entry = _own_entry(request, workspace, entry_id)
                if entry is None:
                    raise ValidationError(_("That is not one of your entries for this patient."))
                services.guidance_correct(entry=entry, by=request.user, **data)
                messages.success(request, _("Your entry is corrected."))
            else:
                services.guidance_add(membership=membership, by=request.user, **data)
                messages.success(request, _("The time is recorded."))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("clinician:guidance_patient", workspace_id=workspace.pk)
    policies.workspace_read(
        user=request.user, workspace=workspace, section=ACCESS_SECTION, via="web"
    )
    return render(
        request,
        "clinician_app/guidance/patient.html",
        {
            "workspace": workspace,
            "patient": workspace.patient,
            "form": form,
            "editing": bool(form["entry"].value()),
            "entries": selectors.entries_for_membership(
                clinician=request.user, workspace=workspace
            ),
            "months": selectors.monthly_for_workspace(
                workspace=workspace, clinician=request.user, months=12
            ),
        },
    )


def _uuid_or_none(value):
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None
