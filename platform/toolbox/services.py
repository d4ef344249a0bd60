"""Writes in the toolbox. Atomic, keyword-only; each validates, audits and publishes after commit.

Only the patient who owns the workspace changes their toolbox; the one exception is a care-team
member with the crisis plan shared, who may *suggest* an addition that the patient then accepts
or declines. Live events carry ids only and are never sent for a private check-in or an
unshared journal entry, so nothing private reaches a clinician's socket.
"""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from accounts.models import User
from care import policies
from care.events import publish_workspace_event
from care.models import Workspace
from care.sections import Section
from guidance.services import guidance_record
from records.services import audit
from toolbox.models import (
    CheckIn,
    CrisisPlanItem,
    CrisisPlanSuggestion,
    JournalEntry,
    NetworkContact,
)

# How far back a missed day may still be filled in.
BACKFILL_DAYS = 7


def local_today(user: User) -> date:
    """Today in the patient's own time zone (a check-in belongs to their local day)."""
    return timezone.localdate(timezone=ZoneInfo(user.timezone))


OWNER_ONLY = _lazy("Only the patient can change their own toolbox.")


# --- check-ins -------------------------------------------------------------------------------


@transaction.atomic
def checkin_save(
    *,
    workspace: Workspace,
    by: User,
    day: date,
    mood: int,
    symptoms: int,
    energy: int,
    sleep: int,
    activities: str = "",
    note: str = "",
    private: bool | None = None,
) -> tuple[CheckIn, bool]:
    """Create or replace the check-in of one local day (today, or up to a week back).

    ``private=None`` keeps the entry's current privacy (new entries start shared with those who
    see check-ins), so replacing a private entry never makes it visible by omission.
    Returns ``(checkin, created)``. Nothing is written when any value is out of range.
    """
    policies.require_owner(by, workspace, OWNER_ONLY)
    today = local_today(by)
    if day > today:
        raise ValidationError({"day": _("A check-in cannot be for a day that has not come yet.")})
    if day < today - timedelta(days=BACKFILL_DAYS):
        raise ValidationError(
            {"day": _("Check-ins can be filled in up to a week later, not more.")}
        )
    checkin = (
        CheckIn.objects.select_for_update().filter(workspace=workspace, day=day).first()
    ) or CheckIn(workspace=workspace, day=day)
    created = checkin._state.adding
    values = {
        "mood": mood,
        "symptoms": symptoms,
        "energy": energy,
        "sleep": sleep,
        "activities": activities or "",
        "note": note or "",
        "private": checkin.private if private is None else bool(private),
    }
    for field, value in values.items():
        setattr(checkin, field, value)
    checkin.full_clean(exclude=["workspace"])
    try:
        with transaction.atomic():
            if created:
                checkin.save()
            else:
                checkin.save(update_fields=[*values, "updated_at"])
    except IntegrityError:
        raise ValidationError(
            _("This day's check-in was just saved elsewhere. Try again.")
        ) from None
    audit(
        action="toolbox.checkin.created" if created else "toolbox.checkin.updated",
        actor=by,
        workspace=workspace,
        checkin=str(checkin.pk),
        private=checkin.private,
    )
    if not checkin.private:
        publish_workspace_event(
            workspace_id=workspace.pk,
            kind="toolbox.checkin_saved",
            section=Section.CHECKINS.value,
            data={"checkin": str(checkin.pk)},
        )
    return checkin, created


@transaction.atomic
def checkin_set_private(*, checkin: CheckIn, by: User, private: bool) -> CheckIn:
    """Mark one entry private (or share it again with those who see check-ins)."""
    policies.require_owner(by, checkin.workspace, OWNER_ONLY)
    checkin.private = bool(private)
    checkin.save(update_fields=["private", "updated_at"])
    audit(
        action="toolbox.checkin.privacy_changed",
        actor=by,
        workspace=checkin.workspace,
        checkin=str(checkin.pk),
        private=checkin.private,
    )
    if not checkin.private:
        publish_workspace_event(
            workspace_id=checkin.workspace_id,
            kind="toolbox.checkin_saved",
            section=Section.CHECKINS.value,
            data={"checkin": str(checkin.pk)},
        )
    return checkin


# --- crisis plan -----------------------------------------------------------------------------


def _crisis_changed(workspace_id) -> None:
    publish_workspace_event(
        workspace_id=workspace_id,
        kind="toolbox.crisis_plan_changed",
        section=Section.CRISIS_PLAN.value,
        data={},
    )


@transaction.atomic
def crisis_item_add(
    *, workspace: Workspace, by: User, kind: str, text: str, contact: str = ""
) -> CrisisPlanItem:
    policies.require_owner(by, workspace, OWNER_ONLY)
    item = CrisisPlanItem(
        workspace=workspace, kind=kind, text=(text or "").strip(), contact=(contact or "").strip()
    )
    item.full_clean(exclude=["workspace"])
    item.save()
    audit(action="toolbox.crisis_item.added", actor=by, workspace=workspace, item=str(item.pk))
    _crisis_changed(workspace.pk)
    return item


@transaction.atomic
def crisis_item_update(
    *, item: CrisisPlanItem, by: User, text: str, contact: str = ""
) -> CrisisPlanItem:
    policies.require_owner(by, item.workspace, OWNER_ONLY)
    item.text = (text or "").strip()
    item.contact = (contact or "").strip()
    item.full_clean(exclude=["workspace"])
    item.save(update_fields=["text", "contact", "updated_at"])
    audit(
        action="toolbox.crisis_item.updated", actor=by, workspace=item.workspace, item=str(item.pk)
    )
    _crisis_changed(item.workspace_id)
    return item


@transaction.atomic
def crisis_item_remove(*, item: CrisisPlanItem, by: User) -> None:
    policies.require_owner(by, item.workspace, OWNER_ONLY)
    item_id, workspace = str(item.pk), item.workspace
    item.delete()
    audit(action="toolbox.crisis_item.removed", actor=by, workspace=workspace, item=item_id)
    _crisis_changed(workspace.pk)


def _suggestion_save(*, workspace, by: User, kind, text, contact, **audit_data):
    """Store a suggested line for the crisis plan (checked as the model defines it) and audit
    it. Callers decide who may suggest."""
    suggestion = CrisisPlanSuggestion(
        workspace=workspace,
        kind=kind,
        text=(text or "").strip(),
        contact=(contact or "").strip(),
        suggested_by=by,
    )
    suggestion.full_clean(exclude=["workspace", "suggested_by", "item"])
    suggestion.save()
    audit(
        action="toolbox.crisis_suggestion.created",
        actor=by,
        workspace=workspace,
        suggestion=str(suggestion.pk),
        **audit_data,
    )
    return suggestion


@transaction.atomic
def crisis_suggestion_create(
    *,
    workspace: Workspace,
    by: User,
    kind: str,
    text: str,
    contact: str = "",
    time_spent: timedelta | None = None,
) -> CrisisPlanSuggestion:
    """A care-team member with the crisis plan shared proposes an addition."""
    if policies.is_owner(by, workspace):
        raise ValidationError(_("You can add this to your plan directly."))
    if policies.active_membership(by, workspace) is None:
        raise ValidationError(_("Only a member of the care team can suggest additions."))
    policies.require_reader(by, workspace, Section.CRISIS_PLAN)
    suggestion = _suggestion_save(workspace=workspace, by=by, kind=kind, text=text, contact=contact)
    guidance_record(
        clinician=by,
        workspace_id=workspace.pk,
        kind="feedback",
        source=f"crisis-suggestion:{suggestion.pk}",
        time_spent=time_spent,
    )
    _crisis_changed(workspace.pk)
    return suggestion


def crisis_suggestion_from_relative(
    *, workspace_id, by: User, kind: str, text: str, contact: str = ""
) -> CrisisPlanSuggestion:
    """A relative the patient shares the crisis plan with suggests a line; it joins the plan
    only if the patient accepts it (docs/relatives.md)."""
    access = policies.relative_access(by, workspace_id)
    if Section.CRISIS_PLAN not in access.section_set:
        raise Http404
    suggestion = _suggestion_save(
        workspace=access.workspace, by=by, kind=kind, text=text, contact=contact, by_relative=True
    )
    _crisis_changed(access.workspace_id)
    return suggestion


@transaction.atomic
def crisis_suggestion_decide(
    *, suggestion: CrisisPlanSuggestion, by: User, accept: bool
) -> CrisisPlanSuggestion:
    """The patient accepts (the text joins the plan) or declines a suggestion. Decided once."""
    suggestion = (
        CrisisPlanSuggestion.objects.select_for_update()
        .select_related("workspace")
        .get(pk=suggestion.pk)
    )
    policies.require_owner(by, suggestion.workspace, OWNER_ONLY)
    if suggestion.status != CrisisPlanSuggestion.Status.PENDING:
        raise ValidationError(_("You have already answered this suggestion."))
    if accept:
        suggestion.item = crisis_item_add(
            workspace=suggestion.workspace,
            by=by,
            kind=suggestion.kind,
            text=suggestion.text,
            contact=suggestion.contact,
        )
        suggestion.status = CrisisPlanSuggestion.Status.ACCEPTED
    else:
        suggestion.status = CrisisPlanSuggestion.Status.DECLINED
    suggestion.decided_at = timezone.now()
    suggestion.save(update_fields=["item", "status", "decided_at", "updated_at"])
    audit(
        action=f"toolbox.crisis_suggestion.{suggestion.status}",
        actor=by,
        workspace=suggestion.workspace,
        suggestion=str(suggestion.pk),
    )
    _crisis_changed(suggestion.workspace_id)
    return suggestion


# --- network map -----------------------------------------------------------------------------

NETWORK_FIELDS = ("name", "kind", "closeness", "practical", "emotional", "company")
NETWORK_FIELDS += ("wants_more_contact",)


@transaction.atomic
def network_contact_save(
    *, workspace: Workspace, by: User, contact: NetworkContact | None = None, **values
) -> NetworkContact:
    """Add a person or service to the map, or change one (``contact`` given)."""
    policies.require_owner(by, workspace, OWNER_ONLY)
    unknown = set(values) - set(NETWORK_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown field."))
    created = contact is None
    if created:
        contact = NetworkContact(workspace=workspace)
    elif contact.workspace_id != workspace.pk:
        raise ValidationError(_("Only the patient can change their own toolbox."))
    for field, value in values.items():
        setattr(contact, field, value.strip() if isinstance(value, str) else value)
    contact.full_clean(exclude=["workspace"])
    if created:
        contact.save()
    else:
        contact.save(update_fields=[*values, "updated_at"])
    audit(
        action="toolbox.network.added" if created else "toolbox.network.updated",
        actor=by,
        workspace=workspace,
        contact=str(contact.pk),
    )
    publish_workspace_event(
        workspace_id=workspace.pk,
        kind="toolbox.network_changed",
        section=Section.NETWORK_MAP.value,
        data={},
    )
    return contact


@transaction.atomic
def network_contact_remove(*, contact: NetworkContact, by: User) -> None:
    policies.require_owner(by, contact.workspace, OWNER_ONLY)
    contact_id, workspace = str(contact.pk), contact.workspace
    contact.delete()
    audit(action="toolbox.network.removed", actor=by, workspace=workspace, contact=contact_id)
    publish_workspace_event(
        workspace_id=workspace.pk,
        kind="toolbox.network_changed",
        section=Section.NETWORK_MAP.value,
        data={},
    )


# --- journal ---------------------------------------------------------------------------------


@transaction.atomic
def journal_entry_save(
    *,
    workspace: Workspace,
    by: User,
    body: str,
    title: str = "",
    shared: bool = False,
    for_relatives: bool = False,
    entry: JournalEntry | None = None,
) -> JournalEntry:
    """Write a new note or change one. Private unless ``shared`` (the care team who see the
    journal) or ``for_relatives`` (the people the patient trusts who see it) is set."""
    policies.require_owner(by, workspace, OWNER_ONLY)
    created = entry is None
    if created:
        entry = JournalEntry(workspace=workspace)
    elif entry.workspace_id != workspace.pk:
        raise ValidationError(_("Only the patient can change their own toolbox."))
    entry.title = (title or "").strip()
    entry.body = body or ""
    entry.shared = bool(shared)
    entry.for_relatives = bool(for_relatives)
    entry.full_clean(exclude=["workspace"])
    if created:
        entry.save()
    else:
        entry.save(update_fields=["title", "body", "shared", "for_relatives", "updated_at"])
    audit(
        action="toolbox.journal.created" if created else "toolbox.journal.updated",
        actor=by,
        workspace=workspace,
        entry=str(entry.pk),
        shared=entry.shared,
    )
    if entry.shared:
        publish_workspace_event(
            workspace_id=workspace.pk,
            kind="toolbox.journal_saved",
            section=Section.JOURNAL.value,
            data={"entry": str(entry.pk)},
        )
    return entry


@transaction.atomic
def journal_entry_remove(*, entry: JournalEntry, by: User) -> None:
    policies.require_owner(by, entry.workspace, OWNER_ONLY)
    entry_id, workspace = str(entry.pk), entry.workspace
    entry.delete()
    audit(action="toolbox.journal.removed", actor=by, workspace=workspace, entry=entry_id)
