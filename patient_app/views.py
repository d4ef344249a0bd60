"""The patient's face: their workspace, care team, sharing and access log."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import User
from alerts import selectors as alert_selectors
from care import policies, selectors, services
from care.models import CareTeamMembership
from care.sections import SECTION_DESCRIPTIONS, Section
from config.confirmation import confirmation_page
from patient_app import access_log as access_words
from patient_app.dashboard import dashboard_regions, today_workspace
from patient_app.decorators import patient_required
from patient_app.forms import InvitationSignupForm, SectionsForm

ACCESS_LOG_DAYS = 7  # days per page (each day: a line per person)


def _workspace(request):
    return services.workspace_get_or_create(patient=request.user)


@patient_required
def dashboard(request):
    workspace = today_workspace(request.user)
    members = selectors.care_team_of_patient(request.user)
    return render(
        request,
        "patient_app/dashboard.html",
        {
            "workspace": workspace,
            "active_members": [m for m in members if m.is_active],
            "pending_members": [
                m for m in members if m.status == CareTeamMembership.Status.INVITED
            ],
            "regions": dashboard_regions(request, workspace),
        },
    )


@patient_required
def help_page(request):
    """How the programme works, what sharing means, the crisis plan and reaching the team."""
    return render(request, "patient_app/help.html")


@patient_required
def care_team(request):
    workspace = _workspace(request)
    members = selectors.memberships_for_workspace(workspace=workspace)
    lead = policies.lead_membership(workspace)
    return render(
        request,
        "patient_app/care_team.html",
        {
            "workspace": workspace,
            "members": members,
            "lead_id": lead.pk if lead else None,
            "form": SectionsForm(),
            "covers": selectors.covers_for_workspace(workspace=workspace),
            "reach": alert_selectors.risk_reach(workspace=workspace),
        },
    )


@patient_required
@require_POST
def care_team_lead(request, membership_id):
    """The patient names the lead of their care team: told first of a risk answer."""
    membership = selectors.membership_for_owner(
        user=request.user, workspace_id=_workspace(request).pk, membership_id=membership_id
    )
    try:
        services.lead_set(membership=membership, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(name)s now leads your care team.") % {"name": membership.clinician.full_name},
        )
    return redirect("patient:care_team")


@patient_required
@require_POST
def care_team_accept(request, membership_id):
    membership = selectors.membership_for_owner(
        user=request.user, workspace_id=_workspace(request).pk, membership_id=membership_id
    )
    form = SectionsForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please choose from the sections listed."))
        return redirect("patient:care_team")
    try:
        services.membership_accept(
            membership=membership, by=request.user, sections=form.cleaned_data["sections"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(name)s is now in your care team.") % {"name": membership.clinician.full_name},
        )
    return redirect("patient:care_team")


@patient_required
@require_POST
def care_team_end(request, membership_id):
    membership = selectors.membership_for_owner(
        user=request.user, workspace_id=_workspace(request).pk, membership_id=membership_id
    )
    name = membership.clinician.full_name
    if membership.status == CareTeamMembership.Status.INVITED:
        ask = confirmation_page(
            request,
            title=_("Decline the invitation from %(name)s?") % {"name": name},
            consequences=[
                _("%(name)s does not join your care team and sees nothing of yours.")
                % {"name": name},
                _("To join later, they must invite you again and you must accept."),
            ],
            confirm_label=_("Yes, decline"),
            back_url=reverse("patient:care_team"),
        )
    else:
        ask = confirmation_page(
            request,
            title=_("Remove %(name)s from your care team?") % {"name": name},
            consequences=[
                _("%(name)s can no longer see anything in your workspace, from now on.")
                % {"name": name},
                _("What they saw before stays in “Who has seen my data”."),
                _("To have them back, they must invite you again and you must accept."),
            ],
            confirm_label=_("Yes, remove %(name)s") % {"name": name},
            back_url=reverse("patient:care_team"),
        )
    if ask is not None:
        return ask
    services.membership_end(membership=membership, by=request.user)
    messages.success(
        request,
        _("%(name)s is no longer in your care team and cannot see your workspace.")
        % {"name": membership.clinician.full_name},
    )
    return redirect("patient:care_team")


@patient_required
def sharing(request):
    workspace = _workspace(request)
    members = [m for m in selectors.memberships_for_workspace(workspace=workspace) if m.is_active]
    rows = [
        {"member": m, "form": SectionsForm(initial={"sections": [s.value for s in m.shared]})}
        for m in members
    ]
    return render(
        request,
        "patient_app/sharing.html",
        {
            "rows": rows,
            "descriptions": SECTION_DESCRIPTIONS,
            "sections": list(Section),
            "reach": alert_selectors.risk_reach(workspace=workspace),
        },
    )


@patient_required
@require_POST
def sharing_update(request, membership_id):
    membership = selectors.membership_for_owner(
        user=request.user, workspace_id=_workspace(request).pk, membership_id=membership_id
    )
    form = SectionsForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please choose from the sections listed."))
        return redirect("patient:sharing")
    try:
        services.sharing_update(
            membership=membership, sections=form.cleaned_data["sections"], by=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Saved. %(name)s now sees exactly what is ticked.")
            % {"name": membership.clinician.full_name},
        )
    return redirect(reverse("patient:sharing") + f"#member-{membership.pk}")


@patient_required
def access_log(request):
    """Who has seen my data: one sentence per person and day, filterable by person and period.

    Paginated by days. Queries: the people for the filter (1), the page of days (count + rows:
    2), the page's person-and-day groups (1) and what each group read (1), whatever the log's
    size."""
    workspace = _workspace(request)
    people = selectors.access_log_people(workspace=workspace)
    keys = {p.key for p in people}
    problems = []
    period = request.GET.get("period", access_words.DEFAULT_PERIOD)
    if period not in access_words.PERIODS:
        problems.append(_("That period is not offered, so everything is shown."))
        period = access_words.DEFAULT_PERIOD
    person = request.GET.get("person", "")
    if person and person not in keys:
        problems.append(_("That person is not in your list, so everyone is shown."))
        person = ""
    zone = timezone.get_current_timezone()
    since = access_words.period_start(period)
    filters = {"workspace": workspace, "zone": zone, "person": person or None, "since": since}
    page = Paginator(selectors.access_log_days(**filters), ACCESS_LOG_DAYS).get_page(
        request.GET.get("page")
    )
    rows = selectors.access_log_day_groups(days=list(page.object_list), **filters)
    details = selectors.access_log_group_details(
        workspace=workspace, zone=zone, groups=rows, person=person or None
    )
    lines = [
        access_words.describe(
            row, *details.get((row["day"], row["actor_id"], row["actor_name"]), ([], []))
        )
        for row in rows
    ]
    query = {"period": period} | ({"person": person} if person else {})
    return render(
        request,
        "patient_app/access_log.html",
        {
            "page": page,
            "lines": lines,
            "people": [
                {"key": p.key, "label": f"{p.name} ({access_words.role_label(p.role)})"}
                for p in people
            ],
            "person": person,
            "period": period,
            "periods": list(access_words.PERIOD_LABELS.items()),
            "problems": problems,
            "query": urlencode(query),
            "filtered": bool(person) or period != access_words.DEFAULT_PERIOD,
        },
    )


@require_http_methods(["GET", "POST"])
def invitation(request, token):
    """Public: the link from the invitation e-mail. Sets a password and creates the workspace."""
    try:
        invite = services.invitation_from_token(token)
    except services.InvitationInvalid as error:
        return render(
            request, "patient_app/invitation_invalid.html", {"error": str(error)}, status=400
        )
    user = request.user if request.user.is_authenticated else None
    if user is not None and user.email.lower() != invite.email.lower():
        return render(
            request,
            "patient_app/invitation_invalid.html",
            {
                "error": _(
                    "You are signed in with another account. Sign out, then open the link again."
                )
            },
            status=400,
        )
    existing_account = user is None and User.objects.filter(email__iexact=invite.email).exists()
    form = None
    if request.method == "POST" and not existing_account:
        if user is None:
            form = InvitationSignupForm(request.POST, email=invite.email)
            if form.is_valid():
                try:
                    user, _membership = services.invitation_accept(
                        invitation=invite,
                        full_name=form.cleaned_data["full_name"],
                        password=form.cleaned_data["password1"],
                    )
                except services.InvitationInvalid as error:
                    return render(
                        request,
                        "patient_app/invitation_invalid.html",
                        {"error": str(error)},
                        status=400,
                    )
                login(request, user, backend="accounts.backends.EmailBackend")
                return redirect("patient:care_team")
        else:
            try:
                services.invitation_accept(invitation=invite, user=user)
            except services.InvitationInvalid as error:
                return render(
                    request,
                    "patient_app/invitation_invalid.html",
                    {"error": str(error)},
                    status=400,
                )
            return redirect("patient:care_team")
    elif user is None and not existing_account:
        form = InvitationSignupForm(email=invite.email)
    return render(
        request,
        "patient_app/invitation.html",
        {
            "invite": invite,
            "form": form,
            "existing_account": existing_account,
            "signed_in": user is not None,
        },
    )
