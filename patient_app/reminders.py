"""The patient's reminders (docs/reminders.md): what to be reminded of, when and how, quiet
hours, this browser's notifications, and the log of every reminder sent."""

from __future__ import annotations

import json

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from patient_app.decorators import patient_required
from reminders import push, services
from reminders.models import TIMED_KINDS, Channel, Kind, PushSubscription, QuietHours
from reminders.preferences import choices_for

MAX_BODY = 4096  # a subscription is well under 1 kB


class KindForm(forms.Form):
    enabled = forms.BooleanField(label=gettext_lazy("Remind me"), required=False)
    time_of_day = forms.TimeField(
        label=gettext_lazy("At about"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=gettext_lazy("It comes within half an hour after this time."),
    )
    channel = forms.ChoiceField(
        label=gettext_lazy("How"), choices=Channel.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args, timed: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not timed:
            del self.fields["time_of_day"]

    def clean(self):
        data = super().clean()
        if "time_of_day" in self.fields and data.get("enabled") and not data.get("time_of_day"):
            self.add_error("time_of_day", _("Choose a time of day, for example 09:00."))
        return data


class QuietForm(forms.Form):
    on = forms.BooleanField(label=gettext_lazy("Keep quiet hours"), required=False)
    start = forms.TimeField(
        label=gettext_lazy("From"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    end = forms.TimeField(
        label=gettext_lazy("Until"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )

    def clean(self):
        data = super().clean()
        if data.get("on"):
            if not data.get("start") or not data.get("end"):
                raise ValidationError(_("Choose when your quiet hours start and end."))
            if data["start"] == data["end"]:
                raise ValidationError(_("Quiet hours need a different start and end."))
        return data


def _forms(user, data=None):
    choices = choices_for(user)
    kind_forms = []
    for kind in Kind:
        choice = choices[kind]
        form = KindForm(
            data,
            prefix=kind.value,
            timed=kind in TIMED_KINDS,
            initial={
                "enabled": choice.enabled,
                "time_of_day": choice.time_of_day,
                "channel": choice.channel,
            },
        )
        form.kind_label = kind.label
        kind_forms.append((kind, form))
    quiet = QuietHours.objects.filter(user=user).first()
    quiet_form = QuietForm(
        data,
        prefix="quiet",
        initial={
            "on": quiet is not None,
            "start": quiet.start if quiet else "22:00",
            "end": quiet.end if quiet else "07:00",
        },
    )
    return kind_forms, quiet_form


@patient_required
@require_http_methods(["GET", "POST"])
def reminders(request):
    data = request.POST if request.method == "POST" else None
    kind_forms, quiet_form = _forms(request.user, data)
    valid = data is not None and all(form.is_valid() for _kind, form in kind_forms)
    if valid and quiet_form.is_valid():
        services.settings_save(
            user=request.user,
            choices={kind: form.cleaned_data for kind, form in kind_forms},
            quiet=(
                (quiet_form.cleaned_data["start"], quiet_form.cleaned_data["end"])
                if quiet_form.cleaned_data["on"]
                else None
            ),
        )
        messages.success(request, _("Your reminder choices are saved."))
        return redirect("patient:reminders")
    devices = PushSubscription.objects.filter(user=request.user, revoked_at__isnull=True)
    return render(
        request,
        "patient_app/reminders.html",
        {
            "kind_forms": kind_forms,
            "quiet_form": quiet_form,
            "devices": devices,
            "deliveries": services.recent_deliveries(request.user),
            "vapid_public_key": push.public_key(),
        },
        status=400 if data is not None else 200,
    )


@patient_required
def reminder_open(request, token: str):
    """The link in a reminder: noted as opened, then on to the page it is about."""
    delivery = services.opened(token, request.user)
    if delivery is None:
        messages.info(request, _("That reminder link has expired. Here is your Today page."))
        return redirect("patient:dashboard")
    return redirect(services.target_url(delivery.kind))


def _json_body(request) -> dict:
    if request.content_type != "application/json":
        raise ValidationError(_("That was not understood."))
    if len(request.body) > MAX_BODY:
        raise ValidationError(_("That is too large."))
    try:
        body = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise ValidationError(_("That was not understood.")) from None
    if not isinstance(body, dict):
        raise ValidationError(_("That was not understood."))
    return body


def _text(value, limit: int) -> str:
    if not isinstance(value, str) or not value or len(value) > limit or "\x00" in value:
        raise ValidationError(_("That was not understood."))
    return value


@patient_required
@require_POST
def push_subscribe(request):
    """This browser's Web Push subscription (JSON from ``PushSubscription.toJSON()``)."""
    try:
        body = _json_body(request)
        keys = body.get("keys") if isinstance(body.get("keys"), dict) else {}
        subscription = services.subscribe(
            user=request.user,
            endpoint=_text(body.get("endpoint"), 1000),
            p256dh=_text(keys.get("p256dh"), 200),
            auth=_text(keys.get("auth"), 64),
            device=request.headers.get("User-Agent", "")[:200].split(")")[0].split("(")[-1],
            session_digest=services.session_digest(request.session.session_key),
        )
    except ValidationError as error:
        return JsonResponse({"error": error.messages[0]}, status=400)
    return JsonResponse({"id": str(subscription.pk)}, status=201)


@patient_required
@require_POST
def push_unsubscribe(request):
    """Stop notifications on a device: this browser (JSON ``endpoint``) or one from the list
    (form field ``device``). Another person's device is never touched."""
    device = None if request.content_type == "application/json" else request.POST.get("device")
    if device is not None:
        try:
            removed = services.unsubscribe(user=request.user, subscription_id=str(device)[:64])
        except ValidationError:
            raise Http404 from None
        if not removed:
            raise Http404
        messages.success(request, _("That device will not get notifications any more."))
        return redirect(reverse("patient:reminders") + "#devices")
    try:
        body = _json_body(request)
        services.unsubscribe(user=request.user, endpoint=_text(body.get("endpoint"), 1000))
    except ValidationError as error:
        return JsonResponse({"error": error.messages[0]}, status=400)
    return HttpResponse(status=204)
