"""The organisation manager's service report: aggregates only, never a patient
(docs/service-report.md). Every read of it is audited."""

from __future__ import annotations

import csv
from datetime import datetime, time, timedelta

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from care.reports import Period
from clinician_app.decorators import manager_required
from clinician_app.service import report
from clinician_app.service.forms import PeriodForm
from records.services import audit
from reports.charts import bar_chart


def _period_and_form(request):
    data = request.GET if request.GET else None
    form = PeriodForm(data, initial=PeriodForm.initial_values())
    if data is None:
        values = PeriodForm.initial_values()
    elif form.is_valid():
        values = form.cleaned_data
    else:
        return form, None, None
    zone = timezone.get_current_timezone()
    period = Period(
        start=datetime.combine(values["start"], time.min, tzinfo=zone),
        end=datetime.combine(values["end"] + timedelta(days=1), time.min, tzinfo=zone),
    )
    return form, period, values["by"]


def _read(request, period, by, kind):
    audit(
        action=f"reports.service.{kind}",
        actor=request.user,
        organisation=str(request.user.organisation_id),
        start=period.start.date().isoformat(),
        end=period.end.date().isoformat(),
        by=by,
    )


@manager_required
def service_report(request):
    form, period, by = _period_and_form(request)
    if period is None:
        return render(
            request, "clinician_app/service/report.html", {"form": form, "report": None}, status=400
        )
    built = report.build(request.user.organisation, period, by)
    _read(request, period, by, "read")
    sections = []
    for section in built.sections:
        column = next(c for c in section.columns if c.key == section.chart)
        chart = bar_chart(
            f"{section.title}: {column.label}",
            [
                (label, _number(cell), column.display(cell))
                for label, cell in zip(built.rows, column.cells, strict=True)
            ],
        )
        sections.append({"section": section, "table": built.table(section), "chart": chart})
    return render(
        request,
        "clinician_app/service/report.html",
        {
            "form": form,
            "report": built,
            "sections": sections,
            "organisation": request.user.organisation,
            "query": request.GET.urlencode(),
            "last_day": (period.end - timedelta(days=1)).date(),
        },
    )


def _number(value):
    if value is None:
        return None
    if hasattr(value, "is_shown"):
        return value.value if value.is_shown else None
    return value


def _safe(text: str) -> str:
    """A spreadsheet never runs a cell as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@manager_required
def service_report_csv(request):
    form, period, by = _period_and_form(request)
    if period is None:
        return HttpResponse(
            " ".join(str(e) for errors in form.errors.values() for e in errors),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    built = report.build(request.user.organisation, period, by)
    _read(request, period, by, "download")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"service-report-{period.start.date()}-{(period.end - timedelta(days=1)).date()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = csv.writer(response)
    for section in built.sections:
        writer.writerow([_safe(str(section.title))])
        for line in built.table(section):
            writer.writerow([_safe(str(value)) for value in line])
        writer.writerow([])
    writer.writerow([_('Counts below 5 are shown as "fewer than 5"; "not shown" protects them.')])
    return response
