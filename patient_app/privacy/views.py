"""The patient's data rights: see everything in words, download it (JSON for programs, PDF
for people), or erase the account on a page of its own."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.views import CLEAR_SITE_DATA
from care import privacy, services
from patient_app.decorators import patient_required
from patient_app.privacy.forms import EraseForm
from patient_app.privacy.pdf import data_pdf
from patient_app.privacy.summary import data_groups

FORMATS = {"json", "pdf"}


@patient_required
def my_data(request):
    workspace = services.workspace_get_or_create(patient=request.user)
    data = privacy.workspace_export(workspace=workspace)
    wanted = request.GET.get("format")
    if wanted == "json":
        # Standard formats offered by the apps (the measures as a FHIR Bundle) sit beside the
        # raw records under their own keys.
        download = {"exported_at": timezone.now(), "data": data}
        download |= privacy.extra_exports(workspace=workspace)
        response = HttpResponse(
            json.dumps(download, cls=DjangoJSONEncoder, indent=2),
            content_type="application/json",
        )
        response["Content-Disposition"] = 'attachment; filename="my-data.json"'
        return response
    groups = data_groups(data)
    if wanted == "pdf":
        response = HttpResponse(
            data_pdf(
                name=request.user.full_name or request.user.email,
                made_at=timezone.localtime(),
                groups=groups,
            ),
            content_type="application/pdf",
        )
        response["Content-Disposition"] = 'attachment; filename="my-data.pdf"'
        return response
    return render(
        request,
        "patient_app/privacy/my_data.html",
        {
            "groups": groups,
            "unknown_format": wanted is not None and wanted not in FORMATS,
        },
    )


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
