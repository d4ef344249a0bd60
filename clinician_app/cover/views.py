"""Cover: a clinician going away hands their caseload to a colleague for a period.

The page lists the covers the clinician gave and received and arranges a new one; either of the
two clinicians can cancel a cover. The rules live in ``care.services`` (cover_*).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from care import policies, selectors, services
from care.forms import add_service_errors
from clinician_app.cover.forms import CoverForm
from clinician_app.decorators import clinician_required
from config.confirmation import confirmation_page


@clinician_required
def cover_list(request):
    colleagues = services.cover_colleagues(absent=request.user)
    form = CoverForm(request.POST if request.method == "POST" else None, colleagues=colleagues)
    if request.method == "POST" and form.is_valid():
        try:
            cover = services.cover_create(
                absent=request.user,
                colleague=form.cleaned_data["colleague"],
                starts_on=form.cleaned_data["starts_on"],
                ends_on=form.cleaned_data["ends_on"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("%(name)s covers for you from %(start)s to %(end)s.")
                % {
                    "name": cover.colleague.full_name,
                    "start": date_format(cover.starts_on),
                    "end": date_format(cover.ends_on),
                },
            )
            return redirect("clinician:covers")
    given, received = selectors.covers_for_clinician(clinician=request.user)
    # The patients a cover leaves out are named (the clinician's own patients): a list read.
    skipped = {w.pk: w for cover in given for w in cover.skipped}.values()
    policies.list_read(user=request.user, workspaces=skipped, section="caseload", via="web")
    return render(
        request,
        "clinician_app/cover/cover_list.html",
        {
            "form": form,
            "given": given,
            "received": received,
            "has_colleagues": colleagues.exists(),
            "now": timezone.now(),
        },
    )


@clinician_required
@require_POST
def cover_cancel(request, cover_id):
    cover = selectors.cover_for_clinician(clinician=request.user, cover_id=cover_id)
    if cover is None:
        raise Http404
    given = cover.absent_id == request.user.pk
    ask = confirmation_page(
        request,
        title=_("Cancel this cover?") if given else _("Hand this cover back?"),
        consequences=[
            _("The covering clinician stops seeing the patients of this cover, from now on."),
            _("The patients see their usual care team again."),
            _("This cannot be undone; a new cover can be arranged at any time."),
        ],
        confirm_label=_("Yes, cancel the cover") if given else _("Yes, hand it back"),
        back_url=reverse("clinician:covers"),
    )
    if ask is not None:
        return ask
    services.cover_cancel(cover=cover, by=request.user)
    messages.success(
        request, _("The cover is cancelled. Patients see their usual care team again.")
    )
    return redirect("clinician:covers")
