"""Who may see and act on an alert. Built on ``care.policies`` (the one authority on access).

A clinician sees an alert while they are an active member of the patient's care team and, when
the alert reveals a consent section (inactivity reveals progress; deterioration reveals
measures), only if the patient shares that section with them. A risk alert reveals no section:
safety information is not shareable, so every current member sees it (the safety details only).
A duty contact sees the alerts that reached, or wait for, their organisation's duty contacts.
Patients do not see alerts here (see docs/alerts.md); everybody else: 404.
"""

from __future__ import annotations

from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from alerts.models import Alert
from care import policies
from care.sections import Section


def _duty_alerts(user) -> QuerySet[Alert]:
    duty = Alert.duty_organisations.through.objects.filter(
        alert=OuterRef("pk"), organisation_id=user.organisation_id
    )
    return Alert.objects.filter(Exists(duty))


def alerts_visible_to(user) -> QuerySet[Alert]:
    """Every alert this user may see, in one query (membership and consent as subqueries)."""
    if not (user and user.is_authenticated and user.is_active):
        return Alert.objects.none()
    if user.is_duty and user.organisation_id:
        return _duty_alerts(user)
    if not user.is_clinician:
        return Alert.objects.none()
    # A risk alert (no section) reaches every current member, whatever is shared: safety
    # information is not a section (docs/alerts.md). Other alerts need their section.
    return Alert.objects.filter(policies.member_of(user, OuterRef("workspace"))).filter(
        Q(section="") | policies.shares_with(user, OuterRef("workspace"), OuterRef("section"))
    )


def alert_for_user(user, alert_id: UUID | str) -> Alert:
    """Fetch-and-authorize one alert: 404 outside the care team, 403 "not shared" inside it
    when the alert's section is not shared with this member."""
    if not (user and user.is_authenticated and user.is_active):
        raise Http404
    related = ("workspace__patient", "membership__clinician", "acknowledged_by", "resolved_by")
    if user.is_duty and user.organisation_id:
        candidates = _duty_alerts(user)
    elif user.is_clinician:
        candidates = Alert.objects.filter(workspace__in=policies.workspaces_for_user(user))
    else:
        raise Http404
    try:
        alert = candidates.select_related(*related).get(pk=alert_id)
    except (Alert.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None
    if user.is_duty:
        return alert
    if alert.section:
        policies.require_reader(user, alert.workspace, Section(alert.section))
    return alert


def alert_read(user, alert_id: UUID | str, *, via: str, parts: tuple[str, ...] = ()) -> Alert:
    """THE read of one alert: ``alert_for_user``, and the access log written as part of saying
    yes ("alerts", plus ``parts`` read with it such as "safety" or "contact"). A duty contact's
    read is logged with ``via="duty"``."""
    alert = alert_for_user(user, alert_id)
    policies.sections_read(
        user=user,
        workspace=alert.workspace,
        sections=["alerts", *parts],
        via="duty" if user.is_duty else via,
    )
    return alert


def alerts_read(user, alerts: list[Alert], *, via: str) -> list[Alert]:
    """THE log of a list of alerts shown (from ``alerts_visible_to``): one entry per patient."""
    workspaces = {a.workspace_id: a.workspace for a in alerts}.values()
    policies.list_read(
        user=user, workspaces=workspaces, section="alerts", via="duty" if user.is_duty else via
    )
    return alerts
