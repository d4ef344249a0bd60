"""The patient's people they trust (docs/relatives.md): invite someone, choose what they see
and until when, renew or revoke."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from care import relatives, services
from care.forms import add_service_errors
from care.models import RELATIVE_SECTIONS, RelativeAccess
from config.confirmation import confirmation_page
from config.input_hygiene import validate_plan_date
from patient_app.decorators import patient_required

SECTION_CHOICES = [(s.value, s.label) for s in RELATIVE_SECTIONS]


class AccessForm(forms.Form):
    sections = forms.MultipleChoiceField(
        label=gettext_lazy("What they may see"),
        choices=SECTION_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Nothing is chosen for you. They never see your messages."),
    )
    expires_on = forms.DateField(
        label=gettext_lazy("Until (the last day)"),
        validators=[validate_plan_date],
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class InviteForm(AccessForm):
    email = forms.EmailField(label=gettext_lazy("Their e-mail address"), max_length=254)
    label = forms.CharField(
        label=gettext_lazy("Who they are to you"),
        max_length=80,
        help_text=gettext_lazy("For example “my sister” or “Jo, my friend”. Only you see this."),
    )
    field_order = ["email", "label", "sections", "expires_on"]


def _page(request, workspace, form, status=200):
    accesses = list(
        RelativeAccess.objects.filter(workspace=workspace, revoked_at__isnull=True).select_related(
            "relative"
        )
    )
    for access in accesses:
        access.form = AccessForm(
            prefix=str(access.pk),
            initial={
                "sections": access.sections,
                "expires_on": access.last_day,
            },
        )
    return render(
        request,
        "patient_app/relatives.html",
        {"accesses": accesses, "form": form},
        status=status,
    )


@patient_required
@require_http_methods(["GET", "POST"])
def people(request):
    workspace = services.workspace_get_or_create(patient=request.user)
    label = request.GET.get("label", "")[:80]  # from the network map: the person's name
    form = InviteForm(
        request.POST if request.method == "POST" else None,
        initial={"expires_on": relatives.default_end(), "label": label},
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                relatives.relative_invite(workspace=workspace, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Your invitation is on its way to %(email)s.")
                    % {"email": form.cleaned_data["email"]},
                )
                return redirect("patient:relatives")
        return _page(request, workspace, form, status=400)
    return _page(request, workspace, form)


def _own(request, access_id) -> RelativeAccess:
    from django.http import Http404

    workspace = services.workspace_get_or_create(patient=request.user)
    access = RelativeAccess.objects.filter(
        pk=access_id, workspace=workspace, revoked_at__isnull=True
    ).first()
    if access is None:
        raise Http404
    return access


@patient_required
@require_POST
def update(request, access_id):
    access = _own(request, access_id)
    form = AccessForm(request.POST, prefix=str(access.pk))
    if form.is_valid():
        try:
            relatives.relative_update(access=access, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved. It takes effect at once."))
            return redirect("patient:relatives")
    workspace = access.workspace
    messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return _page(request, workspace, InviteForm(), status=400)


@patient_required
@require_POST
def revoke(request, access_id):
    access = _own(request, access_id)
    ask = confirmation_page(
        request,
        title=_("Stop sharing with %(label)s?") % {"label": access.label},
        consequences=[
            _("They can no longer see anything of yours, from their next click."),
            _("What they saw before stays in “Who has seen my data”."),
            _("To share again, invite them again."),
        ],
        confirm_label=_("Yes, stop sharing"),
        back_url=reverse("patient:relatives"),
    )
    if ask is not None:
        return ask
    relatives.relative_revoke(access=access, by=request.user)
    messages.success(
        request, _("%(label)s can no longer see anything of yours.") % {"label": access.label}
    )
    return redirect("patient:relatives")
