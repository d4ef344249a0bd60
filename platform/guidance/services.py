"""Writes of guidance time: automatic entries from the services where a clinician acts, manual
entries and corrections by the clinician.

``guidance_record`` is called by those services *inside their own transaction*: the act and its
time are written together or not at all, and a retried act (same source) never counts twice.
It never raises for a patient or a non-member (it records nothing): the act itself has already
been authorized by the calling service.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from care.models import CareTeamMembership
from care.policies import membership_current
from guidance import conf
from guidance.models import GuidanceEntry, GuidanceKind
from records.services import audit


def _minutes(duration: timedelta) -> int:
    return max(1, round(duration.total_seconds() / 60))


def measured_minutes(time_spent: timedelta | None, *, kind: str) -> int:
    """Minutes for one act: the measured time clamped to 1..30 minutes, or the kind's default."""
    if time_spent is None:
        return conf.DEFAULT_MINUTES[kind]
    clamped = min(max(time_spent, conf.MEASURED_MIN), conf.MEASURED_MAX)
    return _minutes(clamped)


def guidance_record(
    *,
    clinician: User,
    workspace_id,
    kind: str,
    source: str,
    time_spent: timedelta | None = None,
    at: datetime | None = None,
    membership_id=None,
    new_act: bool = False,
) -> GuidanceEntry | None:
    """Count the time of one act of ``clinician`` for the patient of workspace ``workspace_id``.

    Requires: a surrounding transaction (the act's own). ``source`` names the act
    (``"review:<uuid>"``). Returns the entry that holds the time (a new one, or the conversation
    it was folded into), or None when there is nothing to count: the actor is not a current
    member of the care team (the patient, a relative), or this source was already counted.

    A caller that has just read the clinician's current membership in the same transaction
    passes its id as ``membership_id`` (saves the look-up); ``new_act=True`` says the act was
    created in this transaction (a new message), so its source cannot have been counted yet.
    """
    kind = GuidanceKind(kind).value
    if not clinician.is_clinician:
        return None
    if membership_id is None:
        membership_id = (
            CareTeamMembership.objects.filter(
                membership_current(), workspace_id=workspace_id, clinician=clinician
            )
            .values_list("pk", flat=True)
            .first()
        )
        if membership_id is None:
            return None
    now = at or timezone.now()
    if not new_act and GuidanceEntry.objects.filter(kind=kind, source=source).exists():
        return None
    if kind in conf.FOLD_KINDS:
        recent = (
            GuidanceEntry.objects.select_for_update()
            .filter(
                membership_id=membership_id,
                kind=kind,
                manual=False,
                last_activity_at__gte=now - conf.FOLD_WINDOW,
                last_activity_at__lte=now,
            )
            .order_by("-last_activity_at")
            .first()
        )
        if recent is not None:
            # One conversation: its first act's time plus the time it has lasted since (each
            # later message adds the minutes since the one before, at least one).
            recent.minutes = min(
                recent.minutes + _minutes(now - recent.last_activity_at), conf.MANUAL_MAX_MINUTES
            )
            recent.last_activity_at = now
            recent.acts += 1
            recent.save(update_fields=["minutes", "last_activity_at", "acts", "updated_at"])
            return recent
    entry = GuidanceEntry(
        workspace_id=workspace_id,
        membership_id=membership_id,
        clinician=clinician,
        kind=kind,
        minutes=measured_minutes(time_spent, kind=kind),
        occurred_at=now,
        last_activity_at=now,
        source=source[:160],
    )
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError:
        # The same source counted concurrently by another request: theirs stands.
        return None
    return entry


def _clean_manual(*, kind, minutes, occurred_on, note) -> tuple[str, int, date, str]:
    errors = {}
    if kind not in GuidanceKind.values:
        errors["kind"] = _("Choose what kind of work it was.")
    if isinstance(minutes, bool) or not isinstance(minutes, int):
        errors["minutes"] = _("Give the time in whole minutes.")
    elif not 1 <= minutes <= conf.MANUAL_MAX_MINUTES:
        errors["minutes"] = _("Give between 1 and %(max)d minutes.") % {
            "max": conf.MANUAL_MAX_MINUTES
        }
    today = timezone.localdate()
    if not isinstance(occurred_on, date):
        errors["occurred_on"] = _("Give the date of the work.")
    elif occurred_on > today:
        errors["occurred_on"] = _("The date cannot be in the future.")
    elif occurred_on < today - timedelta(days=366):
        errors["occurred_on"] = _("The date can be at most a year ago.")
    note = (note or "").strip() if isinstance(note, str) else None
    if note is None or len(note) > 200:
        errors["note"] = _("Please keep the note under 200 characters.")
    if errors:
        raise ValidationError(errors)
    return kind, minutes, occurred_on, note


def _at_noon(day: date) -> datetime:
    # A manual entry knows its day, not its time: midday keeps it inside that day (and month)
    # in every time zone near the service's.
    return timezone.make_aware(datetime.combine(day, time(12, 0)))


def _check_member(membership: CareTeamMembership, by: User) -> None:
    if membership.clinician_id != by.pk or not membership.is_active:
        raise ValidationError(_("Only the clinician of an active care relationship can do this."))


@transaction.atomic
def guidance_add(
    *,
    membership: CareTeamMembership,
    by: User,
    kind: str,
    minutes: int,
    occurred_on: date,
    note: str = "",
) -> GuidanceEntry:
    """The clinician records time the platform could not see (a phone call, a meeting)."""
    _check_member(membership, by)
    kind, minutes, occurred_on, note = _clean_manual(
        kind=kind, minutes=minutes, occurred_on=occurred_on, note=note
    )
    at = _at_noon(occurred_on)
    entry = GuidanceEntry.objects.create(
        workspace_id=membership.workspace_id,
        membership=membership,
        clinician=by,
        kind=kind,
        minutes=minutes,
        occurred_at=at,
        last_activity_at=at,
        manual=True,
        note=note,
    )
    audit(
        action="guidance.entry.added",
        actor=by,
        workspace=membership.workspace,
        entry=str(entry.pk),
        kind=kind,
        minutes=minutes,
    )
    return entry


@transaction.atomic
def guidance_correct(
    *,
    entry: GuidanceEntry,
    by: User,
    kind: str,
    minutes: int,
    occurred_on: date,
    note: str = "",
) -> GuidanceEntry:
    """The clinician corrects one of their own entries (automatic or manual); the audit trail
    keeps what it was before."""
    entry = (
        GuidanceEntry.objects.select_for_update()
        .select_related("membership", "workspace")
        .get(pk=entry.pk)
    )
    if entry.clinician_id != by.pk:
        raise ValidationError(_("You can only correct your own entries."))
    _check_member(entry.membership, by)
    kind, minutes, occurred_on, note = _clean_manual(
        kind=kind, minutes=minutes, occurred_on=occurred_on, note=note
    )
    before_on = timezone.localdate(entry.occurred_at)
    before = {"kind": entry.kind, "minutes": entry.minutes, "on": before_on}
    if before_on != occurred_on:
        entry.occurred_at = entry.last_activity_at = _at_noon(occurred_on)
    entry.kind, entry.minutes, entry.note = kind, minutes, note
    entry.corrected_at = timezone.now()
    entry.full_clean(exclude=["workspace", "membership", "clinician"])
    entry.save(
        update_fields=[
            "kind",
            "minutes",
            "note",
            "occurred_at",
            "last_activity_at",
            "corrected_at",
            "updated_at",
        ]
    )
    audit(
        action="guidance.entry.corrected",
        actor=by,
        workspace=entry.workspace,
        entry=str(entry.pk),
        kind_before=before["kind"],
        minutes_before=before["minutes"],
        on_before=before["on"].isoformat(),
        kind=kind,
        minutes=minutes,
        on=occurred_on.isoformat(),
    )
    return entry
