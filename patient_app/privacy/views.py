"""The patient's data rights: download everything, or erase the account."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from care import privacy, services
from patient_app.decorators import patient_required
from patient_app.privacy.forms import EraseForm


@patient_required
def my_data(request):
    workspace = services.workspace_get_or_create(patient=request.user)
    data = privacy.workspace_export(workspace=workspace)
    if request.GET.get("format") == "json":
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
    return render(
        request,
        "patient_app/privacy/my_data.html",
        {"data": data, "form": EraseForm(user=request.user)},
    )


@patient_required
def erase(request):
    form = EraseForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        patient = request.user
        logout(request)
        privacy.patient_erase(patient=patient)
        messages.success(request, _("Your account and everything in it have been deleted."))
        return redirect("accounts:login")
    return render(
        request,
        "patient_app/privacy/erase.html",
        {"form": form},
        status=400 if form.errors else 200,
    )
