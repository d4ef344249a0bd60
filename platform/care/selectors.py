"""Reads in the care core. Lists go through ``care.policies``; queries stay flat."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta, tzinfo
from typing import NamedTuple
from uuid import UUID

from django.db.models import Count, Exists, Max, Min, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from accounts.models import User
from care import policies
from care.models import (
    CareTeamMembership,
    Course,
    Cover,
    Workspace,
    WorkspaceUserObjectPermission,
)
from care.sections import Section
from records.models import AccessLogEntry


def memberships_for_workspace(
    *, workspace: Workspace, include_ended: bool = False
) -> list[CareTeamMembership]:
    """The care team of a workspace, each member annotated with ``shared`` (a set of Sections).

    Queries: 1 for the memberships with their clinicians, 1 for all consent rows.
    """
    qs = CareTeamMembership.objects.filter(workspace=workspace).select_related(
        "clinician", "clinician__organisation", "cover__absent"
    )
    if not include_ended:
        qs = qs.exclude(status__in=CareTeamMembership.CLOSED)
    members = list(qs.order_by("status", "created_at"))
    rows = WorkspaceUserObjectPermission.objects.filter(content_object=workspace).values_list(
        "user_id", "permission__codename"
    )
    by_user: dict = {}
    for user_id, codename in rows:
        by_user.setdefault(user_id, set()).add(Section.from_codename(codename))
    for member in members:
        member.shared = (
            frozenset(by_user.get(member.clinician_id, ())) if member.is_active else frozenset()
        )
    return members


def membership_for_owner(*, user: User, workspace_id, membership_id) -> CareTeamMembership:
    """Fetch-and-authorize a membership for its patient (404 otherwise)."""
    workspace = policies.workspace_owned_by(user, workspace_id)
    try:
        return CareTeamMembership.objects.select_related("clinician", "workspace").get(
            pk=membership_id, workspace=workspace
        )
    except (CareTeamMembership.DoesNotExist, ValueError):
        from django.http import Http404

        raise Http404 from None


def access_log_for_patient(*, workspace: Workspace) -> QuerySet[AccessLogEntry]:
    return AccessLogEntry.objects.filter(workspace=workspace).order_by("-created_at")


class AccessLogPerson(NamedTuple):
    """Someone who has read the workspace: the filter's choices. ``key`` is the actor's id, or
    their logged name when the account is gone."""

    key: str
    name: str
    role: str


def access_log_people(*, workspace: Workspace) -> list[AccessLogPerson]:
    """Everyone in the workspace's access log, by name. Queries: 1."""
    rows = (
        AccessLogEntry.objects.filter(workspace=workspace)
        .values_list("actor_id", "actor_name", "actor_role")
        .distinct()
    )
    people = {
        str(actor_id or name): AccessLogPerson(str(actor_id or name), name, role)
        for actor_id, name, role in rows
    }
    return sorted(people.values(), key=lambda p: (p.name.lower(), p.key))


def _access_log_entries(
    *, workspace: Workspace, zone: tzinfo, person: str | None, since: datetime | None
) -> QuerySet:
    qs = AccessLogEntry.objects.filter(workspace=workspace)
    if person:
        qs = qs.filter(_person_q(person))
    if since is not None:
        qs = qs.filter(created_at__gte=since)
    return qs.annotate(day=TruncDate("created_at", tzinfo=zone))


def access_log_days(
    *,
    workspace: Workspace,
    zone: tzinfo,
    person: str | None = None,
    since: datetime | None = None,
) -> QuerySet:
    """The calendar days (in ``zone``) on which someone read the workspace, newest first: a
    queryset of dates that a paginator counts and slices in the database. ``person`` is an
    ``AccessLogPerson.key``."""
    return (
        _access_log_entries(workspace=workspace, zone=zone, person=person, since=since)
        .order_by("-day")
        .values_list("day", flat=True)
        .distinct()
    )


def access_log_day_groups(
    *,
    workspace: Workspace,
    zone: tzinfo,
    days: list[date],
    person: str | None = None,
    since: datetime | None = None,
) -> list[dict]:
    """One row per person and day of ``days`` with ``count``, ``first`` and ``last``, newest
    day first. Queries: 1."""
    if not days:
        return []
    # The days' bounds in the zone narrow the scan to the index; ``day__in`` is the exact test.
    start = datetime.combine(min(days), time.min, tzinfo=zone)
    end = datetime.combine(max(days) + timedelta(days=1), time.min, tzinfo=zone)
    return list(
        _access_log_entries(workspace=workspace, zone=zone, person=person, since=since)
        .filter(created_at__gte=start, created_at__lt=end, day__in=days)
        .values("day", "actor_id", "actor_name", "actor_role")
        .annotate(count=Count("id"), first=Min("created_at"), last=Max("created_at"))
        .order_by("-day", "-last", "actor_name")
    )


def access_log_group_details(
    *, workspace: Workspace, zone: tzinfo, groups: list[dict], person: str | None = None
) -> dict[tuple, tuple[list[str], list[str]]]:
    """For each (day, actor_id, actor_name) of ``groups``: the sections read and the channels
    used, in first-read order. Queries: 1 (the page's time span only, one row per person, day,
    section and channel)."""
    if not groups:
        return {}
    start = min(g["first"] for g in groups)
    end = max(g["last"] for g in groups)
    qs = AccessLogEntry.objects.filter(
        workspace=workspace, created_at__gte=start, created_at__lte=end
    )
    if person:
        qs = qs.filter(_person_q(person))
    rows = (
        qs.annotate(day=TruncDate("created_at", tzinfo=zone))
        .values("day", "actor_id", "actor_name", "section", "via")
        .annotate(first=Min("created_at"))
        .order_by("first")
    )
    details: dict[tuple, tuple[list[str], list[str]]] = {}
    for row in rows:
        sections, vias = details.setdefault(
            (row["day"], row["actor_id"], row["actor_name"]), ([], [])
        )
        if row["section"] not in sections:
            sections.append(row["section"])
        if row["via"] not in vias:
            vias.append(row["via"])
    return details


def _person_q(key: str) -> Q:
    try:
        return Q(actor_id=UUID(key))
    except ValueError:
        return Q(actor__isnull=True, actor_name=key)


class CaseloadEntry(NamedTuple):
    """One patient of a clinician's caseload, as plain values (no model instances): enough to
    filter, count and order every patient cheaply. The rows shown are then read in full with
    ``caseload_memberships``."""

    membership_id: UUID
    workspace_id: UUID
    patient_name: str
    last_activity_at: datetime | None
    # When the relationship started (else when it was created): given only while there is no
    # activity yet (None otherwise: nothing needs it then).
    since: datetime | None
    shared: frozenset


def caseload_entries_for_clinician(*, clinician: User) -> list[CaseloadEntry]:
    """Every workspace where the clinician is an active member, with what is shared, in
    patient-name order.

    Queries: 1 (memberships with the patient's name) + 1 (consent rows), whatever the size.
    """
    rows = (
        list(
            CareTeamMembership.objects.filter(policies.membership_current(), clinician=clinician)
            .order_by("workspace__patient__full_name", "pk")
            # One timestamp per row (each costs to read): the last activity, else the start.
            .annotate(
                seen_at=Coalesce("workspace__last_activity_at", "started_at", "created_at"),
                never_active=Q(workspace__last_activity_at__isnull=True),
            )
            .values_list(
                "pk", "workspace_id", "workspace__patient__full_name", "seen_at", "never_active"
            )
        )
        if clinician.is_active
        else []
    )
    shared = policies.shared_sections_by_workspace(clinician, [r[1] for r in rows])
    nothing = frozenset()
    return [
        CaseloadEntry(
            pk,
            workspace_id,
            name,
            None if never_active else seen_at,
            seen_at if never_active else None,
            shared.get(workspace_id, nothing),
        )
        for pk, workspace_id, name, seen_at, never_active in rows
    ]


def caseload_memberships(*, clinician: User, membership_ids: Iterable) -> dict:
    """membership id -> the clinician's current membership, with its workspace, patient and
    cover (for the rows of a caseload page). Memberships that are no longer current, or not
    the clinician's, are left out. Queries: 1, whatever the number of ids."""
    if not clinician.is_active:
        return {}
    return {
        m.pk: m
        for m in CareTeamMembership.objects.filter(
            policies.membership_current(), clinician=clinician, pk__in=list(membership_ids)
        ).select_related("workspace", "workspace__patient", "cover__absent")
    }


def pending_memberships_for_clinician(*, clinician: User) -> QuerySet[CareTeamMembership]:
    """Invitations the clinician sent that the patient has not yet answered (no patient data)."""
    return CareTeamMembership.objects.filter(
        clinician=clinician, status=CareTeamMembership.Status.INVITED
    ).select_related("workspace__patient")


def workspace_with_patient_prefetch() -> Prefetch:
    return Prefetch("memberships", queryset=CareTeamMembership.objects.select_related("clinician"))


# --- cover -----------------------------------------------------------------------------------


def covers_for_clinician(*, clinician: User) -> tuple[list[Cover], list[Cover]]:
    """The covers this clinician gave and received that are not over, each with
    ``patients``: how many patients the cover member is in the care team of now.

    Queries: 1 (both lists, with the two clinicians and the count)."""
    now = timezone.now()
    rows = list(
        Cover.objects.filter(Q(absent=clinician) | Q(colleague=clinician), ends_at__gt=now)
        .select_related("absent", "colleague")
        .annotate(
            patients=Count("memberships", filter=policies.membership_current("memberships__"))
        )
        .order_by("starts_at")
    )
    given = [c for c in rows if c.absent_id == clinician.pk]
    _attach_skipped(clinician, given)
    return given, [c for c in rows if c.colleague_id == clinician.pk]


def _attach_skipped(absent: User, covers: list[Cover]) -> None:
    """On each cover ``absent`` gave, ``skipped``: the workspaces of their patients (active in
    their own care team now) that the cover leaves out, because the patient removed or declined
    the colleague and has not accepted them since. The absent clinician arranges their care
    another way. Queries: 2 (none without covers)."""
    for cover in covers:
        cover.skipped = []
    if not covers:
        return
    mine = CareTeamMembership.objects.filter(
        policies.membership_current(), clinician=absent, cover__isnull=True
    ).values("workspace_id")
    colleagues = {cover.colleague_id for cover in covers}
    kept_out = CareTeamMembership.objects.filter(
        policies.kept_out(), clinician_id__in=colleagues, workspace_id__in=mine
    ).select_related("workspace__patient")
    still_open = set(
        CareTeamMembership.objects.filter(clinician_id__in=colleagues, workspace_id__in=mine)
        .exclude(status__in=CareTeamMembership.CLOSED)
        .values_list("clinician_id", "workspace_id")
    )
    by_colleague: dict = defaultdict(dict)
    for row in kept_out:
        if (row.clinician_id, row.workspace_id) not in still_open:
            by_colleague[row.clinician_id][row.workspace_id] = row.workspace
    for cover in covers:
        cover.skipped = sorted(
            by_colleague[cover.colleague_id].values(), key=lambda w: w.patient.full_name
        )


def cover_for_clinician(*, clinician: User, cover_id) -> Cover | None:
    """A cover either of its two clinicians may act on; None for anyone else."""
    return (
        Cover.objects.filter(Q(absent=clinician) | Q(colleague=clinician), pk=cover_id)
        .select_related("absent", "colleague")
        .first()
    )


def covers_for_workspace(*, workspace: Workspace) -> list[Cover]:
    """Covers that concern this patient now or ahead: those of a clinician active in their care
    team, not cancelled and not over. Each has ``under_way``, ``covering_here`` (the
    colleague is in this care team as the cover member now) and ``kept_out`` (the patient
    removed or declined the colleague, so the cover skips them). Queries: 1."""
    now = timezone.now()
    absent_ids = CareTeamMembership.objects.filter(
        policies.membership_current(), workspace=workspace, cover__isnull=True
    ).values("clinician_id")
    here = CareTeamMembership.objects.filter(
        policies.membership_current(), workspace=workspace, cover=OuterRef("pk")
    )
    # The patient removed or declined the colleague (and has not accepted them since): the
    # cover skips this care team.
    kept_out = CareTeamMembership.objects.filter(
        policies.kept_out(), workspace=workspace, clinician=OuterRef("colleague_id")
    )
    open_here = CareTeamMembership.objects.filter(
        workspace=workspace, clinician=OuterRef("colleague_id")
    ).exclude(status__in=CareTeamMembership.CLOSED)
    covers = list(
        Cover.objects.filter(absent_id__in=absent_ids, cancelled_at__isnull=True, ends_at__gt=now)
        .annotate(covering_here=Exists(here), kept_out=Exists(kept_out) & ~Exists(open_here))
        .select_related("absent", "colleague")
        .order_by("starts_at")
    )
    for cover in covers:
        cover.under_way = cover.starts_at <= now
    return covers


def care_team_organisation(user):
    """The organisation of the first clinician who joined ``user``'s care team and is still on
    it: whose defaults (language, emergency numbers) apply to a patient. None when there is none."""
    membership = (
        CareTeamMembership.objects.filter(
            workspace__patient=user,
            status=CareTeamMembership.Status.ACTIVE,
            clinician__organisation__isnull=False,
        )
        .select_related("clinician__organisation")
        .order_by("created_at")
        .first()
    )
    return membership.clinician.organisation if membership else None


def care_team_organisations(user_ids) -> dict:
    """``care_team_organisation`` for many patients in one query: user id -> organisation."""
    found: dict = {}
    memberships = (
        CareTeamMembership.objects.filter(
            workspace__patient_id__in=list(user_ids),
            status=CareTeamMembership.Status.ACTIVE,
            clinician__organisation__isnull=False,
        )
        .select_related("clinician__organisation", "workspace")
        .order_by("created_at")
    )
    for membership in memberships:
        found.setdefault(membership.workspace.patient_id, membership.clinician.organisation)
    return found


def course_for_owner(*, user: User, course_id) -> Course:
    """Fetch-and-authorize one of the patient's own courses of care (404 otherwise)."""
    from django.http import Http404

    workspace = getattr(user, "workspace", None)
    course = (
        Course.objects.filter(pk=course_id, workspace=workspace).select_related("lead").first()
        if workspace is not None
        else None
    )
    if course is None:
        raise Http404
    return course
