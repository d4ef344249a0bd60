"""The patient's data rights: see everything in words, download it (JSON for programs, PDF
for people), or erase the account on a page of its own."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.views import CLEAR_SITE_DATA
from care import privacy, services
from care.models import DataExport
from patient_app.decorators import patient_required
from patient_app.privacy import exports
from patient_app.privacy.forms import EraseForm
from patient_app.privacy.summary import data_groups
from patient_app.tasks import build_export

FORMATS = {"json", "pdf"}


# A person may have this many downloads being prepared at once.
MAX_PENDING = 2


@patient_required
def my_data(request):
    workspace = services.workspace_get_or_create(patient=request.user)
    data = privacy.workspace_export(workspace=workspace)
    wanted = request.GET.get("format")
    if wanted in FORMATS:
        # At once, for programs and for small workspaces; the page offers the prepared ones.
        return _download(exports.build(workspace=workspace, fmt=wanted, data=data), wanted)
    prepared = list(DataExport.objects.filter(workspace=workspace).defer("content"))
    return render(
        request,
        "patient_app/privacy/my_data.html",
        {
            "groups": data_groups(data),
            "unknown_format": wanted is not None and wanted not in FORMATS,
            "prepared": prepared,
            "preparing": any(e.status == DataExport.Status.PENDING for e in prepared),
            "formats": DataExport.Format.choices,
        },
    )


def _download(content: bytes, fmt: str) -> HttpResponse:
    response = HttpResponse(content, content_type=exports.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{exports.FILENAMES[fmt]}"'
    return response


@patient_required
@require_POST
def my_data_prepare(request):
    """Ask for a download to be prepared in the background; it is listed on the page."""
    fmt = request.POST.get("format")
    if fmt not in FORMATS:
        return HttpResponseBadRequest(_("That download format is not offered."))
    workspace = services.workspace_get_or_create(patient=request.user)
    with transaction.atomic():
        pending = DataExport.objects.filter(
            workspace=workspace, status=DataExport.Status.PENDING
        ).count()
        if pending >= MAX_PENDING:
            messages.info(request, _("Your downloads are being prepared. Please wait a moment."))
            return redirect(reverse("patient:my_data") + "#downloads")
        export = DataExport.objects.create(workspace=workspace, format=fmt)
        build_export.enqueue(str(export.pk))
    messages.success(
        request, _("Your download is being prepared. It is listed here once it is ready.")
    )
    return redirect(reverse("patient:my_data") + "#downloads")


@patient_required
@require_GET
def my_data_download(request, export_id):
    """A prepared download: the patient's own, ready and not yet expired; otherwise 404."""
    export = DataExport.objects.filter(
        pk=export_id,
        workspace__patient=request.user,
        status=DataExport.Status.READY,
        created_at__gte=timezone.now() - DataExport.KEEP,
    ).first()
    if export is None:
        raise Http404
    return _download(bytes(export.content), export.format)


@patient_required
def erase(request):
    form = EraseForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST" and form.is_valid():
        patient = request.user
        logout(request)
        privacy.patient_erase(patient=patient)
        messages.success(request, _("Your account and everything in it have been deleted."))
        response = redirect("accounts:login")
        response["Clear-Site-Data"] = CLEAR_SITE_DATA  # the copies kept on this device too
        return response
    return render(
        request,
        "patient_app/privacy/erase.html",
        {"form": form},
        status=400 if form.errors else 200,
    )
