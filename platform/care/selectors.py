"""Reads in the care core. Lists go through ``care.policies``; queries stay flat."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta, tzinfo
from typing import NamedTuple
from uuid import UUID

from django.db import router
from django.db.models import (
    Count,
    DateTimeField,
    DurationField,
    Exists,
    ExpressionWrapper,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
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


def own_workspace(user, **annotations) -> Workspace | None:
    """The patient's own workspace, read through ``policies.workspaces_for_user`` with
    ``annotations`` in the same query (a face's per-page facts, such as the ``Exists`` of each
    domain's selectors), and ``user`` set as its patient so that nothing reads the account again.
    None before the workspace exists, and for anyone who owns none. Queries: 1."""
    # Unordered (one row at most): Django's compiler pays for an ORDER BY per selected column.
    found = list(
        policies.workspaces_for_user(user)
        .filter(patient=user)
        .annotate(**annotations)
        .order_by()[:1]
    )
    if not found:
        return None
    found[0].patient = user
    return found[0]


def care_team_of_patient(patient: User) -> list[CareTeamMembership]:
    """The patient's care team in the order of ``memberships_for_workspace`` (every membership
    not ended or declined, with its clinician and their organisation), each with
    ``shared_count``: how many sections the patient shares with that member (0 unless active).

    Read once per user object, so once per request for ``request.user``: the language
    middleware and the footer ask for the organisation whose defaults apply to the patient
    (``care_team_organisation``), and the dashboard lists the team. Queries: 1, then 0.
    """
    team = getattr(patient, "_care_team", None)  # getattr/setattr: request.user is a lazy proxy
    if team is None:
        shared = (
            WorkspaceUserObjectPermission.objects.filter(
                content_object_id=OuterRef("workspace_id"), user_id=OuterRef("clinician_id")
            )
            .order_by()
            .values("user_id")
            .annotate(n=Count("pk"))
            .values("n")
        )
        rows = (
            CareTeamMembership.objects.filter(workspace__patient=patient)
            .exclude(status__in=CareTeamMembership.CLOSED)
            .select_related("clinician__organisation")
            .annotate(shared_count=Coalesce(Subquery(shared), 0))
            .order_by()  # a handful of rows, sorted here: cheaper than compiling an ORDER BY
        )
        team = sorted(rows, key=lambda m: (m.status, m.created_at))
        for member in team:
            if not member.is_active:
                member.shared_count = 0
        patient._care_team = team
    return team


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
    filter, count and order every patient cheaply, and to show the rows of one page
    (``caseload_membership`` makes their model instances without reading them again)."""

    membership_id: UUID
    workspace_id: UUID
    patient_name: str
    # How long the patient has been quiet at ``now``: since their last activity, or since the
    # relationship started (else was created) when there was none yet (``active`` is False).
    # A duration, not the time itself: the database subtracts (a time costs more to read).
    quiet: timedelta
    active: bool
    shared: frozenset
    role: str
    patient_id: UUID
    cover: tuple | None  # (cover id, its last day, the absent clinician's id and name)


def caseload_entries_for_clinician(
    *, clinician: User, now: datetime | None = None
) -> list[CaseloadEntry]:
    """Every workspace where the clinician is an active member, with what is shared, in
    patient-name order.

    Queries: 1 (memberships with the patient's name and the cover) + 1 (consent, a row per
    workspace), whatever the size.
    """
    if not clinician.is_active:
        return []
    now = now or timezone.now()
    current = CareTeamMembership.objects.filter(policies.membership_current(), clinician=clinician)
    rows = (
        current.order_by("workspace__patient__full_name", "pk")
        .annotate(
            quiet=ExpressionWrapper(
                Value(now, output_field=DateTimeField())
                - Coalesce("workspace__last_activity_at", "started_at", "created_at"),
                output_field=DurationField(),
            ),
            active=Q(workspace__last_activity_at__isnull=False),
        )
        .values_list(
            "pk",
            "workspace_id",
            "workspace__patient__full_name",
            "quiet",
            "active",
            "role",
            "workspace__patient_id",
            "cover_id",
            "cover__ends_on",
            "cover__absent_id",
            "cover__absent__full_name",
        )
    )
    rows = list(rows)
    shared = policies.shared_sections_of_member(clinician)
    nothing = frozenset()
    return [
        CaseloadEntry(
            pk,
            workspace_id,
            name,
            quiet,
            active,
            shared.get(workspace_id, nothing),
            role,
            patient_id,
            (cover_id, *cover) if cover_id else None,
        )
        for pk, workspace_id, name, quiet, active, role, patient_id, cover_id, *cover in rows
    ]


def _made(model, db: str, **values):
    """A model instance as a query reading only ``values`` would make it (the rest deferred)."""
    names = [f.attname for f in model._meta.concrete_fields if f.attname in values]
    return model.from_db(db, names, [values[name] for name in names])


def caseload_membership(entry: CaseloadEntry) -> CareTeamMembership:
    """The membership of a caseload entry, with its workspace, patient and cover, made from the
    values the entry was read with (for the rows of a caseload page): what ``.only()`` of the
    role, the patient's name and the cover's absent clinician and last day would read, the
    rest deferred. No query."""
    db = router.db_for_read(CareTeamMembership)
    workspace = _made(Workspace, db, id=entry.workspace_id, patient_id=entry.patient_id)
    workspace.patient = _made(User, db, id=entry.patient_id, full_name=entry.patient_name)
    membership = _made(
        CareTeamMembership,
        db,
        id=entry.membership_id,
        workspace_id=entry.workspace_id,
        role=entry.role,
        cover_id=entry.cover[0] if entry.cover else None,
    )
    membership.workspace = workspace
    if entry.cover:
        cover_id, ends_on, absent_id, absent_name = entry.cover
        cover = _made(Cover, db, id=cover_id, absent_id=absent_id, ends_on=ends_on)
        cover.absent = _made(User, db, id=absent_id, full_name=absent_name)
        membership.cover = cover
    return membership


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


def _covers_concerning(workspace, *, now) -> QuerySet[Cover]:
    """THE rule for the covers that concern a patient: covers not cancelled and not over of a
    clinician active in their care team (not as a cover member). ``workspace`` is a workspace,
    or an ``OuterRef`` to the workspace of an enclosing query."""
    members = CareTeamMembership.objects.filter(
        policies.membership_current(),
        # One level deeper than the covers: an OuterRef has to reach out of both.
        workspace=OuterRef(workspace) if isinstance(workspace, OuterRef) else workspace,
        cover__isnull=True,
    )
    return Cover.objects.filter(
        absent_id__in=members.values("clinician_id"), cancelled_at__isnull=True, ends_at__gt=now
    )


def covers_exist() -> Exists:
    """For a workspace query (``.annotate(has_covers=covers_exist())``): whether
    ``covers_for_workspace`` would find any, in the workspace's own query."""
    return Exists(_covers_concerning(OuterRef("pk"), now=timezone.now()))


def covers_for_workspace(*, workspace: Workspace) -> list[Cover]:
    """Covers that concern this patient now or ahead: those of a clinician active in their care
    team, not cancelled and not over. Each has ``under_way``, ``covering_here`` (the
    colleague is in this care team as the cover member now) and ``kept_out`` (the patient
    removed or declined the colleague, so the cover skips them). Queries: 1."""
    now = timezone.now()
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
        _covers_concerning(workspace, now=now)
        .annotate(covering_here=Exists(here), kept_out=Exists(kept_out) & ~Exists(open_here))
        .select_related("absent", "colleague")
        .order_by("starts_at")
    )
    for cover in covers:
        cover.under_way = cover.starts_at <= now
    return covers


def care_team_organisation(user):
    """The organisation of the first clinician who joined ``user``'s care team and is still on
    it: whose defaults (language, emergency numbers) apply to a patient. None when there is none.
    Read from ``care_team_of_patient`` (no query when the request has read the team already)."""
    found = sorted(
        (
            m
            for m in care_team_of_patient(user)
            if m.status == CareTeamMembership.Status.ACTIVE and m.clinician.organisation_id
        ),
        key=lambda m: m.created_at,
    )
    return found[0].clinician.organisation if found else None


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
