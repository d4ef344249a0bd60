"""The relative's face (docs/relatives.md): what a patient shares with them, read-only, and a
way to suggest a line for the crisis plan. Every read goes through ``care.policies``'s
``relative_read`` (via the domain selectors), which refuses what is not shared, expired or
revoked, and writes the patient's access log."""

from __future__ import annotations

from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth import login, password_validation
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import User
from care import policies, relatives
from care.forms import add_service_errors
from care.sections import Section
from goals.selectors import habit_views, ladders_for_workspace
from toolbox.models import CrisisKind
from toolbox.selectors import (
    checkins_for_relative,
    crisis_plan_for_relative,
    journal_for_relative,
)
from toolbox.services import crisis_suggestion_from_relative


def relative_required(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_relative:
            raise PermissionDenied(_("This page is for relatives and trusted people."))
        return view(request, *args, **kwargs)

    return wrapper


class SignUpForm(forms.Form):
    full_name = forms.CharField(label=gettext_lazy("Your name"), max_length=150)
    password = forms.CharField(label=gettext_lazy("Choose a password"), widget=forms.PasswordInput)
    password_again = forms.CharField(
        label=gettext_lazy("The password again"), widget=forms.PasswordInput
    )

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password_again"):
            raise forms.ValidationError(_("The two passwords are not the same."))
        return data


class SuggestForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Part of the plan"), choices=CrisisKind.choices)
    text = forms.CharField(
        label=gettext_lazy("Your suggestion"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    contact = forms.CharField(
        label=gettext_lazy("Phone or how to reach (optional)"), max_length=100, required=False
    )


@relative_required
def home(request):
    return render(
        request,
        "relative_app/home.html",
        {"accesses": list(policies.relative_accesses(request.user))},
    )


@require_http_methods(["GET", "POST"])
def invitation(request, token):
    try:
        access = relatives.access_from_token(token)
    except ValidationError as error:
        return render(
            request,
            "relative_app/invitation_invalid.html",
            {"reason": error.messages[0]},
            status=400,
        )
    user = request.user if request.user.is_authenticated else None
    existing = User.objects.filter(email__iexact=access.email).first()
    context = {"access": access, "patient": access.workspace.patient, "existing": existing}
    if user is not None and user.email.lower() != access.email.lower():
        context["wrong_account"] = True
        return render(request, "relative_app/invitation.html", context, status=400)
    if user is not None:
        if request.method == "POST":
            try:
                relatives.relative_accept(access=access, user=user)
            except (ValidationError, PermissionDenied) as error:
                context["error"] = " ".join(getattr(error, "messages", [str(error)]))
                return render(request, "relative_app/invitation.html", context, status=400)
            messages.success(request, _("You have accepted. This is what is shared with you."))
            return redirect("relative:home")
        return render(request, "relative_app/invitation.html", context)
    if existing is not None:  # they have an account: sign in first, then come back
        context["sign_in"] = reverse("accounts:login") + "?next=" + request.path
        return render(request, "relative_app/invitation.html", context)
    form = SignUpForm(request.POST if request.method == "POST" else None)
    context["form"] = form
    if request.method == "POST":
        if form.is_valid():
            candidate = User(email=access.email, full_name=form.cleaned_data["full_name"].strip(),
                             role=User.Role.RELATIVE)  # fmt: skip
            try:
                password_validation.validate_password(form.cleaned_data["password"], candidate)
                candidate.full_clean(exclude=["password"])
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                try:
                    with transaction.atomic():
                        created = User.objects.create_user(
                            email=access.email,
                            password=form.cleaned_data["password"],
                            full_name=candidate.full_name,
                            role=User.Role.RELATIVE,
                        )
                        relatives.relative_accept(access=access, user=created)
                except (IntegrityError, ValidationError):
                    form.add_error(
                        None,
                        _("An account with this address was just made. Sign in, then accept."),
                    )
                    return render(request, "relative_app/invitation.html", context, status=400)
                login(request, created, backend="accounts.backends.EmailBackend")
                messages.success(request, _("Welcome. This is what is shared with you."))
                return redirect("relative:home")
        return render(request, "relative_app/invitation.html", context, status=400)
    return render(request, "relative_app/invitation.html", context)


def _plan_page(request, workspace_id, form, status=200):
    access, plan = crisis_plan_for_relative(user=request.user, workspace_id=workspace_id)
    workspace = access.workspace
    return render(
        request,
        "relative_app/crisis_plan.html",
        {
            "workspace": workspace,
            "patient": workspace.patient,
            "plan": plan,
            "access": access,
            "form": form,
        },  # fmt: skip
        status=status,
    )


@relative_required
def crisis_plan(request, workspace_id):
    return _plan_page(request, workspace_id, SuggestForm())


@relative_required
@require_POST
def suggest(request, workspace_id):
    form = SuggestForm(request.POST)
    if form.is_valid():
        try:
            crisis_suggestion_from_relative(
                workspace_id=workspace_id, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("Thank you. Your suggestion waits for them to accept or decline it.")
            )
            return redirect("relative:crisis_plan", workspace_id=workspace_id)
    return _plan_page(request, workspace_id, form, status=400)


def _shared(request, workspace_id, section: Section):
    """The relative's current access including ``section``; the read is logged (404 otherwise)."""
    return policies.relative_read(user=request.user, workspace_id=workspace_id, section=section)


@relative_required
def goals(request, workspace_id):
    access = _shared(request, workspace_id, Section.GOALS)
    return render(
        request,
        "relative_app/goals.html",
        {
            "access": access,
            "patient": access.workspace.patient,
            "ladders": ladders_for_workspace(workspace=access.workspace),
        },
    )


@relative_required
def habits(request, workspace_id):
    access = _shared(request, workspace_id, Section.HABITS)
    return render(
        request,
        "relative_app/habits.html",
        {
            "access": access,
            "patient": access.workspace.patient,
            "habits": habit_views(workspace=access.workspace),
        },
    )


@relative_required
def checkins(request, workspace_id):
    access, entries = checkins_for_relative(user=request.user, workspace_id=workspace_id)
    return render(
        request,
        "relative_app/checkins.html",
        {"access": access, "patient": access.workspace.patient, "checkins": entries},
    )


@relative_required
def journal(request, workspace_id):
    access, entries = journal_for_relative(user=request.user, workspace_id=workspace_id)
    return render(
        request,
        "relative_app/journal.html",
        {"access": access, "patient": access.workspace.patient, "entries": entries},
    )
