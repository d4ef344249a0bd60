from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts import services, tokens
from accounts.forms import (
    EmailAuthenticationForm,
    ProfileForm,
    RequestResetForm,
    ResetPasswordForm,
)
from accounts.languages import supported
from accounts.redirects import SafeNextMixin, next_or
from config.confirmation import confirmation_page

# Caches, storage (IndexedDB, Cache Storage, service workers) of this site in the browser.
CLEAR_SITE_DATA = '"cache", "storage"'


class LoginView(SafeNextMixin, auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True


@require_POST
def set_language(request):
    """The switcher on every page. Signed in, the choice is saved on the account (and follows
    the person to e-mails and other devices); signed out, a cookie keeps it on this browser."""
    language = supported(request.POST.get("language"))
    if language is None or request.POST.get("language") != language:
        return render(
            request,
            "400.html",
            {"detail": _("That language is not one this site offers.")},
            status=400,
        )
    if request.user.is_authenticated:
        services.user_language_set(user=request.user, language=language)
    response = HttpResponseRedirect(next_or(request))
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        secure=request.is_secure(),
        httponly=True,
    )
    return response


@login_required
def profile(request):
    if request.method == "POST":
        form = ProfileForm(request.POST, instance=request.user)
        if form.is_valid():
            services.user_profile_update(user=request.user, **form.cleaned_data)
            messages.success(request, _("Your details were saved."))
            return redirect("accounts:profile")
    else:
        form = ProfileForm(instance=request.user)
    return render(request, "accounts/profile.html", {"form": form})


password_reset = auth_views.PasswordResetView.as_view(
    template_name="accounts/password_reset.html",
    email_template_name="accounts/password_reset_email.txt",
    form_class=RequestResetForm,
    subject_template_name="accounts/password_reset_subject.txt",
    success_url=reverse_lazy("accounts:password_reset_done"),
)
password_reset_done = auth_views.PasswordResetDoneView.as_view(
    template_name="accounts/password_reset_done.html"
)
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    template_name="accounts/password_reset_confirm.html",
    form_class=ResetPasswordForm,
    success_url=reverse_lazy("accounts:password_reset_complete"),
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="accounts/password_reset_complete.html"
)


class PasswordChangeView(auth_views.PasswordChangeView):
    """The person's own password change: every other session ends (``user_password_change``);
    this one is kept, under a new key and the new auth hash."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password_change_done")

    def form_valid(self, form):
        services.user_password_change(
            user=form.user,
            password=form.cleaned_data["new_password1"],
            keep_session_key=self.request.session.session_key,
        )
        update_session_auth_hash(self.request, form.user)
        return HttpResponseRedirect(self.get_success_url())


password_change = PasswordChangeView.as_view()
password_change_done = auth_views.PasswordChangeDoneView.as_view(
    template_name="accounts/password_change_done.html"
)


class LogoutView(SafeNextMixin, auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        # What this browser keeps for the person (the patient's offline copies and unsent
        # forms, docs/phone-app.md) goes with them: a shared device keeps nothing of theirs.
        response["Clear-Site-Data"] = CLEAR_SITE_DATA
        return response


logout = LogoutView.as_view()


@never_cache
@login_required
def api_tokens(request):
    """The person's API keys: make one (its secret is shown on this response only, never
    stored or redirected with), see the ones that still work, revoke them."""
    secret = None
    error = None
    if request.method == "POST":
        try:
            _token, secret = tokens.token_create(user=request.user)
        except ValidationError as exc:
            error = exc.messages[0]
    status = 400 if error else 200
    return render(
        request,
        "accounts/api_tokens.html",
        {
            "tokens": list(tokens.tokens_of(request.user)),
            "secret": secret,
            "error": error,
            "ttl_days": settings.API_TOKEN_TTL_DAYS,
        },
        status=status,
    )


@require_POST
@login_required
def api_token_revoke(request, key):
    if not tokens.token_exists(user=request.user, key=key):
        raise Http404
    ask = confirmation_page(
        request,
        title=_("Revoke this API key?"),
        consequences=[
            _("Programs using the key starting “%(key)s” are signed out at once.") % {"key": key},
            _("This cannot be undone; you can make a new key."),
        ],
        confirm_label=_("Yes, revoke it"),
        back_url=reverse("accounts:api_tokens"),
    )
    if ask is not None:
        return ask
    tokens.token_revoke(user=request.user, key=key)
    messages.success(request, _("The API key was revoked. Programs using it are signed out."))
    return redirect("accounts:api_tokens")


@require_POST
@login_required
def api_tokens_revoke_all(request):
    ask = confirmation_page(
        request,
        title=_("Revoke all your API keys?"),
        consequences=[
            _("Every program using one of your API keys is signed out at once."),
            _("This cannot be undone; you can make new keys."),
        ],
        confirm_label=_("Yes, revoke them all"),
        back_url=reverse("accounts:api_tokens"),
    )
    if ask is not None:
        return ask
    count = tokens.token_revoke_all(user=request.user)
    messages.success(request, _("All your API keys were revoked (%(n)d).") % {"n": count})
    return redirect("accounts:api_tokens")
