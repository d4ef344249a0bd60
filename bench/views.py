"""Bare baseline views: the same patients listed by plain Django, no policy, no extras.

They answer "what does listing these rows cost with nothing but the framework": one query for
the rows, a template or JSON, the session and authentication middleware the product has too.
Mounted only by ``bench.urls``.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.template import engines

from care.models import CareTeamMembership, Workspace

_CASELOAD = engines["django"].from_string(
    """<!doctype html><html lang="en"><head><title>Caseload</title></head><body><main>
<h1>Caseload</h1><table><thead><tr><th>Patient</th><th>Last active</th><th>Role</th></tr></thead>
<tbody>{% for m in memberships %}<tr data-workspace="{{ m.workspace_id }}">
<td><a href="/clinician/patients/{{ m.workspace_id }}/">{{ m.workspace.patient.full_name }}</a></td>
<td>{{ m.workspace.last_activity_at|date:"j M Y" }}</td><td>{{ m.get_role_display }}</td></tr>
{% endfor %}</tbody></table></main></body></html>"""
)

_DASHBOARD = engines["django"].from_string(
    """<!doctype html><html lang="en"><head><title>Home</title></head><body><main>
<h1>{{ workspace.patient.full_name }}</h1><ul>{% for m in members %}
<li>{{ m.clinician.full_name }} ({{ m.get_role_display }}, {{ m.get_status_display }})</li>
{% endfor %}</ul></main></body></html>"""
)


def _memberships(request):
    """Every active membership, or the first ``?rows=N`` (the same number of rows as one page
    of the product's caseload, for a like-for-like comparison)."""
    qs = (
        CareTeamMembership.objects.filter(
            clinician=request.user, status=CareTeamMembership.Status.ACTIVE
        )
        .select_related("workspace__patient")
        .order_by("workspace__patient__full_name")
    )
    rows = request.GET.get("rows")
    return qs[: int(rows)] if rows and rows.isdigit() else qs


@login_required
def bare_caseload(request):
    return HttpResponse(_CASELOAD.render({"memberships": _memberships(request)}, request))


@login_required
def bare_caseload_json(request):
    return JsonResponse(
        [
            {
                "workspace": str(m.workspace_id),
                "patient": m.workspace.patient.full_name,
                "last_activity_at": m.workspace.last_activity_at,
                "role": m.role,
            }
            for m in _memberships(request)
        ],
        safe=False,
    )


@login_required
def bare_dashboard(request):
    workspace = Workspace.objects.select_related("patient").get(patient=request.user)
    members = CareTeamMembership.objects.filter(workspace=workspace).select_related("clinician")
    return HttpResponse(_DASHBOARD.render({"workspace": workspace, "members": members}, request))


@login_required
def bare_report(request):
    """The bare aggregate under the service report: the courses of the user's organisation
    that ended in the last year, counted per team in the database, as JSON. No outcome rules, no
    suppression, no page."""
    from datetime import timedelta

    from django.db.models import Count
    from django.utils import timezone

    from care.models import Course

    since = timezone.now() - timedelta(days=366)
    rows = (
        Course.objects.filter(organisation_id=request.user.organisation_id, ended_at__gte=since)
        .values("team_id")
        .annotate(n=Count("id"))
        .order_by("team_id")
    )
    return JsonResponse({"rows": [{"team": str(r["team_id"]), "n": r["n"]} for r in rows]})
