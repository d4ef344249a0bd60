"""Writes of the alert engine: raise, acknowledge, resolve, escalate; cadence and reviews.

Every service is atomic and keyword-only, audits each transition with a dotted action code
(``alerts.alert.raised`` ...; ids and codes only) in the same transaction, and publishes an
``alerts.*`` live event after commit. The database is the source of truth: nothing here needs
Redis or a websocket, and a lost event costs latency, never an alert.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from alerts import conf
from alerts.models import (
    DEFAULT_SECTION,
    RELATIONSHIP_KINDS,
    Alert,
    AlertKind,
    AlertTrigger,
    CareCadence,
    Review,
)
from care.events import publish_workspace_event
from care.models import CareTeamMembership, Workspace, WorkspaceUserObjectPermission
from care.policies import membership_current
from care.sections import Section
from care.services import audit

_DEFAULT = object()


class AlertConflict(Exception):
    """The transition does not apply to the alert's current state (e.g. resolving twice)."""


def _publish(alert: Alert, event: str) -> None:
    publish_workspace_event(
        workspace_id=alert.workspace_id,
        kind=f"alerts.{event}",
        section=alert.section or None,
        data={"alert": str(alert.pk), "kind": alert.kind, "severity": alert.severity},
    )


def _audit(alert: Alert, action: str, actor: User | None, **data) -> None:
    audit(
        action=f"alerts.alert.{action}",
        actor=actor,
        workspace=alert.workspace,
        alert=str(alert.pk),
        kind=alert.kind,
        severity=alert.severity,
        section=alert.section,
        **data,
    )


def eligible_memberships(*, workspace: Workspace, section: str) -> list[CareTeamMembership]:
    """Active members with an active account who may see an alert of ``section`` (2 queries),
    the longest-standing first."""
    members = list(
        CareTeamMembership.objects.filter(
            membership_current(), workspace=workspace, clinician__is_active=True
        )
        .select_related("clinician__organisation")
        .order_by("started_at", "created_at")
    )
    if not section:
        return members
    allowed = set(
        WorkspaceUserObjectPermission.objects.filter(
            content_object=workspace,
            permission__content_type__app_label="care",
            permission__codename=Section(section).codename,
        ).values_list("user_id", flat=True)
    )
    return [m for m in members if m.clinician_id in allowed]


@transaction.atomic
def alert_raise(
    *,
    workspace: Workspace,
    kind: str,
    severity: str,
    source_id: str,
    membership: CareTeamMembership | None = None,
    section: str | None | object = _DEFAULT,
    actor: User | None = None,
) -> tuple[Alert, bool]:
    """Raise an alert for ``workspace``, or fold this source into the unresolved one.

    Idempotent per ``(workspace, kind, source_id)``: the same source never raises twice, even
    after the alert was resolved. ``source_id`` is an id or a short code (never free text): the
    measures event id, ``inactive-since:<date>`` ... Relationship kinds (reply and review
    overdue) need ``membership``; for the others the responsible member defaults to the
    longest-standing member who may see the alert. ``section`` defaults per kind. A repeated
    urgent source upgrades a routine alert. Returns ``(alert, created)``.
    """
    try:
        kind = AlertKind(kind)
        severity = Alert.Severity(severity)
    except ValueError:
        raise ValidationError(_("Unknown alert kind or severity.")) from None
    source_id = str(source_id).strip()
    if not source_id or len(source_id) > 128:
        raise ValidationError({"source_id": _("A source id of 1 to 128 characters is needed.")})
    section = DEFAULT_SECTION[kind] if section is _DEFAULT else section
    section = Section(section).value if section else ""
    if membership is not None and membership.workspace_id != workspace.pk:
        raise ValidationError(_("This care relationship belongs to another workspace."))
    if kind in RELATIONSHIP_KINDS and membership is None:
        raise ValidationError(_("This kind of alert needs the care relationship it concerns."))

    known = AlertTrigger.objects.filter(workspace=workspace, kind=kind, source_id=source_id)
    trigger = known.select_related("alert").first()
    if trigger is not None:
        return trigger.alert, False

    unresolved = Alert.objects.select_for_update().filter(
        workspace=workspace, kind=kind, status__in=Alert.UNRESOLVED
    )
    if kind in RELATIONSHIP_KINDS:
        unresolved = unresolved.filter(membership=membership)
    alert = unresolved.first()
    created = alert is None
    if created:
        if membership is None:
            eligible = eligible_memberships(workspace=workspace, section=section)
            membership = eligible[0] if eligible else None
        try:
            with transaction.atomic():
                alert = Alert.objects.create(
                    workspace=workspace,
                    membership=membership,
                    kind=kind,
                    severity=severity,
                    section=section,
                )
        except IntegrityError:
            # Raised concurrently by another process: fold into theirs.
            alert = unresolved.get()
            created = False
    try:
        with transaction.atomic():
            AlertTrigger.objects.create(
                alert=alert, workspace=workspace, kind=kind, source_id=source_id
            )
    except IntegrityError:
        if created:
            raise
        # The same source was recorded concurrently (an event and the periodic job): theirs
        # stands, and this call changes nothing.
        trigger = AlertTrigger.objects.select_related("alert").get(
            workspace=workspace, kind=kind, source_id=source_id
        )
        return trigger.alert, False
    if created:
        _audit(alert, "raised", actor, source=source_id)
    else:
        if severity == Alert.Severity.URGENT and not alert.is_urgent:
            alert.severity = Alert.Severity.URGENT
            alert.save(update_fields=["severity", "updated_at"])
        _audit(alert, "repeated", actor, source=source_id)
    _publish(alert, "raised" if created else "repeated")
    return alert, created


def _locked(alert: Alert) -> Alert:
    return Alert.objects.select_for_update().select_related("workspace").get(pk=alert.pk)


@transaction.atomic
def alert_acknowledge(*, alert: Alert, by: User) -> Alert:
    """``by`` takes the alert on: escalation stops. Acknowledging twice changes nothing; a
    resolved alert cannot be acknowledged (AlertConflict). The caller has authorized ``by``."""
    alert = _locked(alert)
    if alert.status == Alert.Status.RESOLVED:
        raise AlertConflict(_("This alert has already been resolved."))
    if alert.status == Alert.Status.ACKNOWLEDGED:
        return alert
    alert.status = Alert.Status.ACKNOWLEDGED
    alert.acknowledged_at = timezone.now()
    alert.acknowledged_by = by
    alert.save(update_fields=["status", "acknowledged_at", "acknowledged_by", "updated_at"])
    _audit(alert, "acknowledged", by)
    _publish(alert, "acknowledged")
    return alert


@transaction.atomic
def alert_resolve(*, alert: Alert, by: User, note: str) -> Alert:
    """Close the loop with a note of what was done. An open alert is acknowledged by the same
    act. Resolving a resolved alert raises AlertConflict and changes nothing."""
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Please write a short note of what was done.")})
    if len(note) > 2000:
        raise ValidationError({"note": _("Please keep the note under 2,000 characters.")})
    alert = _locked(alert)
    if alert.status == Alert.Status.RESOLVED:
        raise AlertConflict(_("This alert has already been resolved."))
    now = timezone.now()
    fields = ["status", "resolved_at", "resolved_by", "resolution_note", "updated_at"]
    if alert.acknowledged_at is None:
        alert.acknowledged_at, alert.acknowledged_by = now, by
        fields += ["acknowledged_at", "acknowledged_by"]
    alert.status = Alert.Status.RESOLVED
    alert.resolved_at, alert.resolved_by, alert.resolution_note = now, by, note
    alert.save(update_fields=fields)
    _audit(alert, "resolved", by)
    _publish(alert, "resolved")
    return alert


# --- escalation ------------------------------------------------------------------------------


def _notify(recipients: Iterable[str], *, duty: bool) -> None:
    """A content-free e-mail: no name, no kind, no id; only that something waits."""
    recipients = sorted(set(filter(None, recipients)))
    if not recipients:
        return
    if duty:
        body = _(
            "An urgent alert about a patient has not been acknowledged by their care team. "
            "Please sign in, or contact the care team, to make sure someone looks at it."
        )
    else:
        body = _(
            "An urgent alert about a patient you support has not been acknowledged yet. "
            "Please sign in to look at it."
        )
    if conf.site_url():
        body += "\n\n" + conf.site_url()
    subject = _("An urgent alert is waiting")
    transaction.on_commit(
        lambda: send_mail(subject=subject, message=body, from_email=None, recipient_list=recipients)
    )


@transaction.atomic
def alert_escalate(*, alert: Alert, now: datetime | None = None) -> Alert:
    """Move an unacknowledged urgent alert one step up when its time has come.

    Step 1 (``escalate_to_team_after`` after raising): the other active care-team members who
    may see it. Step 2 (``escalate_to_duty_after`` after step 1): the duty contact of every
    organisation in the care team. If nobody else may see it, step 1 goes straight on to the
    duty contact. Safe to call any number of times.
    """
    now = now or timezone.now()
    alert = _locked(alert)
    if alert.status != Alert.Status.OPEN or not alert.is_urgent:
        return alert
    eligible = eligible_memberships(workspace=alert.workspace, section=alert.section)
    if alert.escalation_level == Alert.Escalation.NONE:
        if alert.created_at > now - conf.escalate_to_team_after():
            return alert
        others = [m for m in eligible if m.pk != alert.membership_id]
        if others:
            _notify([m.clinician.email for m in others], duty=False)
            alert.escalation_level = Alert.Escalation.CARE_TEAM
            alert.escalated_at = now
            alert.save(update_fields=["escalation_level", "escalated_at", "updated_at"])
            _audit(alert, "escalated", None, level=1, recipients=len(others))
            _publish(alert, "escalated")
            return alert
    elif alert.escalation_level == Alert.Escalation.CARE_TEAM:
        if alert.escalated_at > now - conf.escalate_to_duty_after():
            return alert
    else:
        return alert
    # The organisations of those who may see it; if nobody may, of the whole care team.
    organisations = {
        m.clinician.organisation for m in eligible if m.clinician.organisation
    } or _organisations_of_team(alert.workspace)
    contacts = [o.duty_contact_email for o in organisations if o.duty_contact_email]
    _notify(contacts, duty=True)
    alert.escalation_level = Alert.Escalation.DUTY_CONTACT
    alert.escalated_at = now
    alert.save(update_fields=["escalation_level", "escalated_at", "updated_at"])
    _audit(alert, "escalated", None, level=2, recipients=len(set(contacts)))
    _publish(alert, "escalated")
    return alert


def _organisations_of_team(workspace: Workspace) -> set:
    return {
        m.clinician.organisation
        for m in CareTeamMembership.objects.filter(
            workspace=workspace, status=CareTeamMembership.Status.ACTIVE
        ).select_related("clinician__organisation")
        if m.clinician.organisation
    }


def alerts_escalate_due(*, now: datetime | None = None) -> int:
    """Escalate every urgent alert whose time has come; returns how many moved a step."""
    now = now or timezone.now()
    due = Alert.objects.filter(
        status=Alert.Status.OPEN,
        severity=Alert.Severity.URGENT,
        escalation_level__lt=Alert.Escalation.DUTY_CONTACT,
    ).filter(
        # Cheap pre-filter; alert_escalate re-checks each under a row lock.
        created_at__lte=now - min(conf.escalate_to_team_after(), conf.escalate_to_duty_after())
    )
    moved = 0
    for alert in due:
        before = alert.escalation_level
        if alert_escalate(alert=alert, now=now).escalation_level != before:
            moved += 1
    return moved


# --- cadence and reviews ---------------------------------------------------------------------


def _check_member(membership: CareTeamMembership, by: User) -> None:
    if membership.clinician_id != by.pk or not membership.is_active:
        raise ValidationError(_("Only the clinician of an active care relationship can do this."))


@transaction.atomic
def cadence_update(
    *,
    membership: CareTeamMembership,
    by: User,
    inactivity_days: int,
    review_interval_days: int,
    next_review_on: date | None,
) -> CareCadence:
    """The clinician sets the rhythm of their care relationship with this patient."""
    _check_member(membership, by)
    cadence, _created = CareCadence.objects.select_for_update().get_or_create(membership=membership)
    cadence.inactivity_days = inactivity_days
    cadence.review_interval_days = review_interval_days
    cadence.next_review_on = next_review_on
    cadence.full_clean()
    cadence.save(
        update_fields=["inactivity_days", "review_interval_days", "next_review_on", "updated_at"]
    )
    audit(
        action="alerts.cadence.updated",
        actor=by,
        workspace=membership.workspace,
        membership=str(membership.pk),
        inactivity_days=inactivity_days,
        review_interval_days=review_interval_days,
        next_review_on=next_review_on.isoformat() if next_review_on else None,
    )
    return cadence


@transaction.atomic
def review_record(
    *, membership: CareTeamMembership, by: User, note: str, shared_with_patient: bool = False
) -> Review:
    """Record a review; the next one falls one review interval from today. Any unresolved
    review-overdue alert of this relationship is resolved by it."""
    _check_member(membership, by)
    cadence, _created = CareCadence.objects.select_for_update().get_or_create(membership=membership)
    today = timezone.localdate()
    review = Review(
        membership=membership,
        workspace=membership.workspace,
        note=(note or "").strip(),
        shared_with_patient=shared_with_patient,
        next_review_on=today + timedelta(days=cadence.review_interval_days),
    )
    review.full_clean()
    review.save()
    cadence.next_review_on = review.next_review_on
    cadence.save(update_fields=["next_review_on", "updated_at"])
    audit(
        action="alerts.review.recorded",
        actor=by,
        workspace=membership.workspace,
        membership=str(membership.pk),
        review=str(review.pk),
        shared_with_patient=shared_with_patient,
    )
    overdue = Alert.objects.filter(
        workspace=membership.workspace,
        membership=membership,
        kind=AlertKind.REVIEW_OVERDUE,
        status__in=Alert.UNRESOLVED,
    ).first()
    if overdue is not None:
        alert_resolve(alert=overdue, by=by, note=_("Review recorded."))
    return review
