"""Writes of the alert engine: raise, acknowledge, resolve, escalate; cadence and reviews.

Every service is atomic and keyword-only, audits each transition with a dotted action code
(``alerts.alert.raised`` ...; ids and codes only) in the same transaction, and publishes an
``alerts.*`` live event after commit. The database is the source of truth: nothing here needs
Redis or a websocket, and a lost event costs latency, never an alert.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from accounts.languages import language_of, organisation_language
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
from alerts.selectors import duty_contacts
from care import policies
from care.events import publish_workspace_event
from care.models import CareTeamMembership, Workspace, WorkspaceUserObjectPermission
from care.sections import Section
from guidance.services import guidance_record
from records.services import audit

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


def _may_see(members: list[CareTeamMembership], section: str, workspace) -> list:
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


def eligible_memberships(*, workspace: Workspace, section: str) -> list[CareTeamMembership]:
    """Current members with an active account who may see an alert of ``section`` (2 queries),
    the longest-standing first (cover members last). Every member for a risk alert."""
    return _may_see(policies.current_members(workspace), section, workspace)


def _responsible(workspace: Workspace, eligible: list) -> CareTeamMembership | None:
    """The lead when they may see the alert, else the longest-standing member who may."""
    lead = policies.lead_membership(workspace)
    if lead is not None and any(m.pk == lead.pk for m in eligible):
        return lead
    return next((m for m in eligible if m.cover_id is None), eligible[0] if eligible else None)


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
    overdue) need ``membership``; for the others the responsible member defaults to the care
    team's lead (or, when the lead may not see the alert, the longest-standing member who may).
    ``section`` defaults per kind. A repeated urgent source upgrades a routine alert, and
    re-opens an acknowledged one: escalation starts again from the lead. An urgent alert tells
    the lead (or their cover) at once; with no care team, the duty contact. Returns
    ``(alert, created)``.
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
            membership = _responsible(
                workspace, eligible_memberships(workspace=workspace, section=section)
            )
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
    event = "raised" if created else "repeated"
    if created:
        _audit(alert, "raised", actor, source=source_id)
    else:
        fields = []
        if severity == Alert.Severity.URGENT and not alert.is_urgent:
            alert.severity = Alert.Severity.URGENT
            fields.append("severity")
        if severity == Alert.Severity.URGENT and alert.status == Alert.Status.ACKNOWLEDGED:
            # A new urgent source after someone took the alert on: it needs looking at again,
            # and escalation restarts from the lead.
            _reopen(alert)
            fields += [
                "status",
                "acknowledged_at",
                "acknowledged_by",
                "escalation_level",
                "escalated_at",
                "opened_at",
                "notified_at",
                "unassigned_at",
            ]
            event = "reopened"
        if fields:
            alert.save(update_fields=[*fields, "updated_at"])
        _audit(alert, event, actor, source=source_id)
    _publish(alert, event)
    if alert.is_urgent and alert.status == Alert.Status.OPEN:
        alert_escalate(alert=alert)
    return alert, created


def _reopen(alert: Alert) -> None:
    if alert.status == Alert.Status.ACKNOWLEDGED:
        alert.duty_organisations.clear()
    alert.status = Alert.Status.OPEN
    alert.acknowledged_at = alert.acknowledged_by = None
    alert.escalation_level = Alert.Escalation.NONE
    alert.escalated_at = alert.notified_at = alert.unassigned_at = None
    alert.opened_at = timezone.now()


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
def alert_resolve(
    *,
    alert: Alert,
    by: User,
    note: str,
    time_spent: timedelta | None = None,
    count_time: bool = True,
) -> Alert:
    """Close the loop with a note of what was done. An open alert is acknowledged by the same
    act. Resolving a resolved alert raises AlertConflict and changes nothing. The resolver's
    time counts as guidance time (``count_time=False`` where the calling act counts it, and
    never for a duty contact, who is not in the care team)."""
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
    if count_time and by.is_clinician:
        guidance_record(
            clinician=by,
            workspace_id=alert.workspace_id,
            kind="alert_handling",
            source=f"alert:{alert.pk}",
            time_spent=time_spent,
        )
    _publish(alert, "resolved")
    return alert


# --- telling people, and escalation ----------------------------------------------------------

logger = logging.getLogger(__name__)

_NOTICE = {
    "lead": (
        _lazy("A patient in your care needs attention"),
        _lazy(
            "A patient in your care needs attention. Please sign in to see who it is and what "
            "happened."
        ),
    ),
    "team": (
        _lazy("An urgent alert is waiting"),
        _lazy(
            "An urgent alert about a patient you support has not been acknowledged yet. "
            "Please sign in to look at it."
        ),
    ),
    "duty": (
        _lazy("An urgent alert needs the duty contact"),
        _lazy(
            "An urgent alert about a patient of your organisation has not been acknowledged "
            "by a care team. Please sign in to see who it is and how to reach them, and make "
            "sure someone looks at it."
        ),
    ),
}


def _send(recipients: list[str], subject: str, body: str) -> None:
    try:
        send_mail(subject=subject, message=body, from_email=None, recipient_list=recipients)
    except Exception:  # noqa: BLE001 - the alert itself stands; the failure is logged
        logger.exception("alerts: an alert e-mail could not be sent")


def _notify(recipients: Iterable, *, notice: str, alert: Alert) -> int:
    """A content-free e-mail: no name, no kind; only that something waits, and a link to the
    alert (its id, which says nothing to anyone who may not open it). Sent after commit, to each
    person in their own language (``accounts.languages.language_of``); an organisation's own
    address (a legacy duty contact) in the organisation's language.

    ``recipients`` are users or ``(address, language)`` pairs. Returns how many addresses it
    goes to."""
    by_language: dict[str, set[str]] = {}
    for recipient in recipients:
        if isinstance(recipient, tuple):
            address, language = recipient
        else:
            address, language = recipient.email, language_of(recipient)
        if address:
            by_language.setdefault(language, set()).add(address)
    if not by_language:
        return 0
    link = ""
    if conf.site_url():
        link = conf.site_url().rstrip("/") + reverse("clinician:alert_detail", args=[alert.pk])
    letters = []
    for language, addresses in sorted(by_language.items()):
        with translation.override(language):
            subject, body = (str(text) for text in _NOTICE[notice])
        letters.append((sorted(addresses), subject, body + ("\n\n" + link if link else "")))
    transaction.on_commit(lambda: [_send(*letter) for letter in letters])
    return sum(len(addresses) for addresses, _subject, _body in letters)


def _to_duty(alert: Alert, now: datetime) -> None:
    """The organisations' duty contacts are told, and may open the alert. Where there is no
    duty contact, nothing is claimed: the alert waits in the unassigned-risk queue."""
    organisations = policies.patient_organisations(alert.workspace)
    alert.duty_organisations.set(organisations)
    contacts = duty_contacts(organisations)
    if not contacts:
        if alert.unassigned_at is None:
            alert.unassigned_at = now
            alert.save(update_fields=["unassigned_at", "updated_at"])
            _audit(alert, "unassigned", None, organisations=len(organisations))
        return
    legacy = [
        (o.duty_contact_email, organisation_language(o) or settings.LANGUAGE_CODE)
        for o in organisations
        if o.duty_contact_email
    ]
    sent = _notify([*contacts, *legacy], notice="duty", alert=alert)
    alert.escalation_level = Alert.Escalation.DUTY_CONTACT
    alert.escalated_at = now
    alert.unassigned_at = None
    alert.save(update_fields=["escalation_level", "escalated_at", "unassigned_at", "updated_at"])
    _audit(alert, "escalated", None, level=2, recipients=sent)
    _publish(alert, "escalated")


@transaction.atomic
def alert_escalate(*, alert: Alert, now: datetime | None = None) -> Alert:
    """Tell the next people about an unacknowledged urgent alert when their time has come.

    At once: the care team's lead, or the colleague covering for them (``notified_at``); with
    no care team, the duty contacts of the patient's organisation. Step 1
    (``escalate_to_team_after`` after it opened): the other current members who may see it.
    Step 2 (``escalate_to_duty_after`` after step 1, or at step 1 when nobody else may see it):
    the duty contacts. Each is told once. A step that would reach nobody is not recorded as
    taken: the alert waits for someone (``unassigned_at``) and the next run tries again.
    Safe to call any number of times.
    """
    now = now or timezone.now()
    alert = _locked(alert)
    if alert.status != Alert.Status.OPEN or not alert.is_urgent:
        return alert
    if alert.escalation_level == Alert.Escalation.DUTY_CONTACT:
        return alert
    members = policies.current_members(alert.workspace)
    eligible = _may_see(members, alert.section, alert.workspace)
    if alert.notified_at is None and alert.escalation_level == Alert.Escalation.NONE:
        first = _first_told(alert, members, eligible)
        if first is None:
            _to_duty(alert, now)  # no care team that may see it: the duty contact at once
            return alert
        sent = _notify([first.clinician], notice="lead", alert=alert)
        alert.notified_at = now
        alert.unassigned_at = None
        fields = ["notified_at", "unassigned_at", "updated_at"]
        if alert.membership_id is None:
            alert.membership = first
            fields.append("membership")
        alert.save(update_fields=fields)
        _audit(alert, "notified", None, level=0, recipients=sent)
        return alert
    if alert.escalation_level == Alert.Escalation.NONE:
        if alert.opened_at > now - conf.escalate_to_team_after():
            return alert
        told = {alert.membership_id}
        first = _first_told(alert, members, eligible)
        if first is not None:
            told.add(first.pk)
        others = [m for m in eligible if m.pk not in told]
        if others:
            sent = _notify([m.clinician for m in others], notice="team", alert=alert)
            alert.escalation_level = Alert.Escalation.CARE_TEAM
            alert.escalated_at = now
            alert.save(update_fields=["escalation_level", "escalated_at", "updated_at"])
            _audit(alert, "escalated", None, level=1, recipients=sent)
            _publish(alert, "escalated")
            return alert
    elif alert.escalated_at > now - conf.escalate_to_duty_after():
        return alert
    _to_duty(alert, now)
    return alert


def _first_told(alert: Alert, members: list, eligible: list) -> CareTeamMembership | None:
    """The lead (or their cover) when they may see the alert; else the responsible member."""
    notice = policies.lead_notice_membership(alert.workspace, members)
    if notice is not None and any(m.pk == notice.pk for m in eligible):
        return notice
    responsible = next((m for m in eligible if m.pk == alert.membership_id), None)
    return responsible or _responsible(alert.workspace, eligible)


def alerts_escalate_due(*, now: datetime | None = None) -> int:
    """Take every urgent alert whose next step has come one step on; returns how many moved."""
    now = now or timezone.now()
    due = Alert.objects.filter(
        status=Alert.Status.OPEN,
        severity=Alert.Severity.URGENT,
        escalation_level__lt=Alert.Escalation.DUTY_CONTACT,
    ).filter(
        # Cheap pre-filter; alert_escalate re-checks each under a row lock.
        Q(notified_at__isnull=True)
        | Q(opened_at__lte=now - min(conf.escalate_to_team_after(), conf.escalate_to_duty_after()))
    )
    moved = 0
    for alert in due:
        before = (alert.escalation_level, alert.notified_at)
        after = alert_escalate(alert=alert, now=now)
        if (after.escalation_level, after.notified_at) != before:
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
    *,
    membership: CareTeamMembership,
    by: User,
    note: str,
    shared_with_patient: bool = False,
    time_spent: timedelta | None = None,
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
    guidance_record(
        clinician=by,
        workspace_id=membership.workspace_id,
        kind="review",
        source=f"review:{review.pk}",
        time_spent=time_spent,
    )
    overdue = Alert.objects.filter(
        workspace=membership.workspace,
        membership=membership,
        kind=AlertKind.REVIEW_OVERDUE,
        status__in=Alert.UNRESOLVED,
    ).first()
    if overdue is not None:
        alert_resolve(alert=overdue, by=by, note=_("Review recorded."), count_time=False)
    return review
