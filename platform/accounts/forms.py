from __future__ import annotations

from contextvars import ContextVar

from django import forms
from django.contrib.auth.forms import (
    AdminPasswordChangeForm,
    AuthenticationForm,
    PasswordResetForm,
    SetPasswordForm,
)
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from accounts import services
from accounts.backends import account_is_locked
from accounts.languages import NAMES, supported
from accounts.models import User


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    error_messages = {
        "invalid_login": _("The e-mail address or the password is not right. Please try again."),
        "inactive": _("This account is no longer active."),
        "locked": _(
            "Too many attempts. For your safety this account is paused for a few minutes; "
            "please try again later or reset your password."
        ),
    }

    def get_invalid_login_error(self):
        email = self.cleaned_data.get("username") or ""
        if email and account_is_locked(email):
            return forms.ValidationError(self.error_messages["locked"], code="locked")
        return super().get_invalid_login_error()


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "timezone", "language", "message_notifications"]
        widgets = {
            "language": forms.Select(
                choices=[("", _("The language of my browser")), *NAMES.items()]
            )
        }


class RequestResetForm(PasswordResetForm):
    """The reset e-mail goes out in the account's own language when the person has chosen one,
    else in the language of the page they asked from."""

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        user = context.get("user")
        language = supported(getattr(user, "language", "")) or translation.get_language()
        with translation.override(language):
            super().send_mail(subject_template_name, email_template_name, context, *args, **kwargs)


class ResetPasswordForm(SetPasswordForm):
    """The e-mailed reset link's form: the new password goes through ``user_password_reset``
    (every session, socket and API key of the account ends)."""

    def save(self, commit=True):
        return services.user_password_reset(
            user=self.user, password=self.cleaned_data["new_password1"]
        )


# The administrator using the admin's password form (set by ``UserAdmin.user_change_password``).
ACTING_ADMIN: ContextVar = ContextVar("acting_admin", default=None)


class AdminSetPasswordForm(AdminPasswordChangeForm):
    """The admin's password form: a password set (or made unusable) by an administrator is a
    reset, through ``user_password_reset``."""

    def save(self, commit=True):
        usable = self.cleaned_data.get("set_usable_password", True)
        return services.user_password_reset(
            user=self.user,
            password=self.cleaned_data["password1"] if usable else None,
            by=ACTING_ADMIN.get(),
        )
