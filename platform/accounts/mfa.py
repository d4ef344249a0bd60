"""TOTP second factor: set up an authenticator app, then confirm a code at each sign-in."""

from __future__ import annotations

import base64

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.redirects import next_or
from records.services import audit


class CodeForm(forms.Form):
    code = forms.RegexField(
        label=gettext_lazy("The 6-digit code from your authenticator app"),
        regex=r"^\s*\d{6}\s*$",
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        error_messages={"invalid": gettext_lazy("Enter the 6 digits shown in your app.")},
    )

    def __init__(self, *args, device: TOTPDevice, **kwargs):
        self.device = device
        super().__init__(*args, **kwargs)

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if not self.device.verify_is_allowed()[0] or not self.device.verify_token(code):
            raise forms.ValidationError(
                _("That code did not work. Codes change every 30 seconds; try the newest one.")
            )
        return code


def _pending_device(user) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


@login_required
def setup(request):
    if user_has_device(request.user):
        return redirect("accounts:mfa_verify")
    device = _pending_device(request.user)
    form = CodeForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            audit(action="accounts.mfa.enabled", actor=request.user)
        otp_login(request, device)
        messages.success(request, _("Your authenticator app is set up."))
        return redirect(next_or(request))
    secret = base64.b32encode(device.bin_key).decode()
    qr_svg = segno.make(device.config_url, error="m").svg_data_uri(scale=4)
    return render(
        request, "accounts/mfa_setup.html", {"form": form, "secret": secret, "qr": qr_svg}
    )


@login_required
def verify(request):
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    if device is None:
        return redirect("accounts:mfa_setup")
    form = CodeForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        otp_login(request, device)
        return redirect(next_or(request))
    return render(request, "accounts/mfa_verify.html", {"form": form})
