"""Reads in the toolbox. Every read for a user goes through ``care.policies``.

The owner sees everything of theirs. A care-team member sees a section only when it is shared
with them, and even then never a check-in marked private nor a journal entry the patient has not
marked shared. Callers log clinician reads through ``care.policies.workspace_read``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from uuid import UUID

from django.db.models import Exists, F, OuterRef, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from accounts.languages import organisation_of
from accounts.models import User
from care import policies
from care.emergency import CountryNumbers, emergency_numbers, not_country_numbers
from care.models import CareTeamMembership, Workspace
from care.policies import membership_current
from care.sections import Section
from toolbox.charts import Trend, trend
from toolbox.models import (
    CheckIn,
    CrisisKind,
    CrisisPlanItem,
    CrisisPlanSuggestion,
    JournalEntry,
    NetworkContact,
    OrganisationEmergencyNumber,
)

# --- check-ins -------------------------------------------------------------------------------


def checkins_for_viewer(*, user: User, workspace: Workspace) -> QuerySet[CheckIn]:
    """The check-ins this user may see, newest first. Raises SectionNotShared for members
    without consent; private entries are left out for everyone but the owner."""
    policies.require_reader(user, workspace, Section.CHECKINS)
    qs = CheckIn.objects.filter(workspace=workspace)
    if not policies.is_owner(user, workspace):
        qs = qs.filter(private=False)
    return qs.order_by("-day")


def checked_in_on(*, day: date) -> Exists:
    """For the owner's workspace query (``.annotate(checked_in=checked_in_on(day=...))``):
    whether the patient has checked in on ``day``, in the workspace's own query."""
    return Exists(CheckIn.objects.filter(workspace=OuterRef("pk"), day=day))


def latest_checkin_for_workspaces(
    workspace_ids: Iterable[UUID], *, include_private: bool = False
) -> dict[UUID, CheckIn]:
    """The most recent check-in of each workspace, in one query whatever the number of
    workspaces (for the caseload). Private entries are skipped unless asked for; the caller
    decides which workspaces share check-ins with the viewer."""
    ids = list(workspace_ids)
    if not ids:
        return {}
    qs = CheckIn.objects.filter(workspace_id__in=ids)
    if not include_private:
        qs = qs.filter(private=False)
    ranked = qs.annotate(
        rank=Window(RowNumber(), partition_by=[F("workspace_id")], order_by=F("day").desc())
    ).filter(rank=1)
    return {checkin.workspace_id: checkin for checkin in ranked}


def checkin_trend(*, user: User, workspace: Workspace, end: date, days: int) -> Trend:
    """The ``days`` days up to ``end`` as chart data, from what this user may see (1 query)."""
    start = end - timedelta(days=days - 1)
    rows = checkins_for_viewer(user=user, workspace=workspace).filter(day__range=(start, end))
    return trend(rows, end=end, days=days)


# --- owner fetches (404 for anyone else) -----------------------------------------------------


def checkin_for_owner(*, user: User, checkin_id, workspace: Workspace | None = None) -> CheckIn:
    return policies.owned_object(CheckIn, user=user, pk=checkin_id, workspace=workspace)


def crisis_item_for_owner(*, user: User, item_id, workspace=None) -> CrisisPlanItem:
    return policies.owned_object(CrisisPlanItem, user=user, pk=item_id, workspace=workspace)


def suggestion_for_owner(*, user: User, suggestion_id, workspace=None) -> CrisisPlanSuggestion:
    return policies.owned_object(
        CrisisPlanSuggestion, user=user, pk=suggestion_id, workspace=workspace
    )


def network_contact_for_owner(*, user: User, contact_id, workspace=None) -> NetworkContact:
    return policies.owned_object(NetworkContact, user=user, pk=contact_id, workspace=workspace)


def journal_entry_for_owner(*, user: User, entry_id, workspace=None) -> JournalEntry:
    return policies.owned_object(JournalEntry, user=user, pk=entry_id, workspace=workspace)


# --- crisis plan -----------------------------------------------------------------------------


@dataclass
class CrisisPart:
    kind: str
    label: str
    items: list[CrisisPlanItem] = field(default_factory=list)


@dataclass
class CrisisPlan:
    parts: list[CrisisPart]
    default_numbers: list[OrganisationEmergencyNumber]
    suggestions: list[CrisisPlanSuggestion]
    # The country whose emergency numbers the plan shows: the patient's organisation's (their
    # own, else their care team's), else the site's (care/emergency.py).
    country: str | None = None

    @property
    def emergency(self) -> CountryNumbers:
        return emergency_numbers(self.country)

    @property
    def is_empty(self) -> bool:
        return not any(part.items for part in self.parts)

    @property
    def organisation_numbers(self) -> list[OrganisationEmergencyNumber]:
        """The organisations' numbers that the country's list (shown beside them, from
        ``care.emergency``) does not already give."""
        return not_country_numbers(self.default_numbers, self.country)


def emergency_defaults_for_workspace(*, workspace: Workspace) -> list[OrganisationEmergencyNumber]:
    """The numbers of the organisations around this patient: their own, and those of their
    active care-team members. One query; a number listed by two organisations shows once."""
    org_ids = CareTeamMembership.objects.filter(
        membership_current(),
        workspace=workspace,
    ).values("clinician__organisation_id")
    numbers = OrganisationEmergencyNumber.objects.filter(organisation_id__in=org_ids)
    if workspace.patient.organisation_id:
        numbers = numbers | OrganisationEmergencyNumber.objects.filter(
            organisation_id=workspace.patient.organisation_id
        )
    seen, result = set(), []
    for number in numbers.order_by("position", "label"):
        key = (number.label.casefold(), number.number)
        if key not in seen:
            seen.add(key)
            result.append(number)
    return result


def _crisis_plan(workspace: Workspace, suggestions) -> CrisisPlan:
    parts = {kind.value: CrisisPart(kind.value, kind.label) for kind in CrisisKind}
    for item in CrisisPlanItem.objects.filter(workspace=workspace).order_by("created_at"):
        parts[item.kind].items.append(item)
    return CrisisPlan(
        parts=list(parts.values()),
        default_numbers=emergency_defaults_for_workspace(workspace=workspace),
        suggestions=list(suggestions),
        country=getattr(organisation_of(workspace.patient), "country", None) or None,
    )


def _pending(workspace: Workspace):
    return CrisisPlanSuggestion.objects.filter(
        workspace=workspace, status=CrisisPlanSuggestion.Status.PENDING
    ).select_related("suggested_by")


def crisis_plan_for_viewer(*, user: User, workspace: Workspace) -> CrisisPlan:
    """The whole plan in its six parts. Queries: items, defaults, suggestions (3)."""
    policies.require_reader(user, workspace, Section.CRISIS_PLAN)
    suggestions = _pending(workspace)
    if not policies.is_owner(user, workspace):
        # A clinician sees what they themselves proposed and is still waiting.
        suggestions = suggestions.filter(suggested_by=user)
    return _crisis_plan(workspace, suggestions)


def crisis_plan_for_relative(*, user: User, workspace_id):
    """The plan as a relative the patient shares it with reads it (read through
    ``policies.relative_read``, which logs it), with the lines they suggested that wait.
    Returns (the access, the plan)."""
    access = policies.relative_read(
        user=user, workspace_id=workspace_id, section=Section.CRISIS_PLAN
    )
    workspace = access.workspace
    return access, _crisis_plan(workspace, _pending(workspace).filter(suggested_by=user))


def journal_for_relative(*, user: User, workspace_id):
    """The journal entries the patient marked for the people they trust, newest first.
    Returns (the access, the entries)."""
    access = policies.relative_read(user=user, workspace_id=workspace_id, section=Section.JOURNAL)
    entries = JournalEntry.objects.filter(workspace=access.workspace, for_relatives=True)
    return access, list(entries.order_by("-created_at")[:100])


def checkins_for_relative(*, user: User, workspace_id, days: int = 28):
    """The check-ins of the last ``days`` days a relative may read: never the private ones.
    Returns (the access, the check-ins, newest first)."""
    access = policies.relative_read(user=user, workspace_id=workspace_id, section=Section.CHECKINS)
    since = timezone.localdate() - timedelta(days=days)
    checkins = CheckIn.objects.filter(
        workspace=access.workspace, private=False, day__gte=since
    ).order_by("-day")
    return access, list(checkins)


# --- network map -----------------------------------------------------------------------------


def network_for_viewer(*, user: User, workspace: Workspace) -> list[NetworkContact]:
    policies.require_reader(user, workspace, Section.NETWORK_MAP)
    return list(NetworkContact.objects.filter(workspace=workspace))


# --- journal ---------------------------------------------------------------------------------


def journal_for_viewer(*, user: User, workspace: Workspace) -> QuerySet[JournalEntry]:
    """The owner's whole journal; for a member with the journal shared, only entries marked
    shared. Both conditions must hold for a clinician to read an entry."""
    policies.require_reader(user, workspace, Section.JOURNAL)
    qs = JournalEntry.objects.filter(workspace=workspace)
    if not policies.is_owner(user, workspace):
        qs = qs.filter(shared=True)
    return qs.order_by("-created_at")


def crisis_plan_exists(*, workspace: Workspace) -> bool:
    """Whether the patient has written a crisis plan: part of the safety information every
    care-team member (and a duty contact) sees with a risk alert, whatever is shared; never
    its content. 1 query."""
    return CrisisPlanItem.objects.filter(workspace=workspace).exists()
