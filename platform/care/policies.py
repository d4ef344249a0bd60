"""The one authority on who may see what in a workspace.

Every view, API view, consumer and selector that touches workspace data asks this module.
Rules:

* the patient who owns a workspace may see and change everything in it;
* a clinician sees a workspace only while their care-team membership is *active* (for a cover
  member, also only before the cover's end: ``membership_current``), and sees a
  section of it only if the patient has shared that section with them (a guardian object
  permission ``care.share_<section>`` on the workspace);
* a relative or trusted person the patient invited sees, read-only, only the sections the
  patient chose for them, only while their access is current (accepted, not revoked, before its
  end date): ``relative_read``; every such read is in the patient's access log;
* nobody else sees anything: not other patients, not clinicians outside the care team, not staff
  or superusers, not deactivated accounts. To them a workspace does not exist (404).

The status rule is the same everywhere: outsiders get 404 (Http404); a member gets 403
(PermissionDenied: ``SectionNotShared`` "not shared", or ``OwnerOnly``). Reads go through
``workspace_read`` (an overview of several sections: ``workspace_read_sections``), which writes
the access log as part of saying yes; checks before a write through ``require_owner``,
``require_member``, ``require_owner_or_member``, ``require_reader``; a patient's own records
through ``owned_object``. Apps keep no access helpers of their own.

Permissions are read from guardian's direct foreign-key table with ``accept_global_perms=False``
and without the superuser shortcut, so a global permission or a superuser flag never opens a
workspace.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, Exists, IntegerField, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Concat
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import get_objects_for_user

from accounts.models import Organisation
from care.models import (
    CareTeamMembership,
    Invitation,
    RelativeAccess,
    Workspace,
    WorkspaceUserObjectPermission,
)
from care.sections import Section
from records.services import access_record, access_record_many, access_record_sections


class SectionNotShared(PermissionDenied):
    """The actor is in the care team, but the patient has not shared this section with them."""

    def __init__(self, section: Section):
        self.section = section
        super().__init__(
            _("The patient has not shared “%(section)s” with you.") % {"section": section.label}
        )


class OwnerOnly(PermissionDenied):
    """The actor is in the care team, but only the patient may do this."""

    def __init__(self, message: str | None = None):
        super().__init__(message or _("Only the patient can do this in their own workspace."))


def _usable(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def is_owner(user, workspace: Workspace) -> bool:
    return _usable(user) and workspace.patient_id == user.pk


def membership_current(prefix: str = "") -> Q:
    """THE rule for a membership that gives access now: active, and not past its end (a cover
    membership's ``ends_at``). Access stops at that instant, before any job ends the row.
    ``prefix`` reaches a membership through a relation (``"membership__"``)."""
    return Q(**{f"{prefix}status": CareTeamMembership.Status.ACTIVE}) & (
        Q(**{f"{prefix}ends_at__isnull": True}) | Q(**{f"{prefix}ends_at__gt": timezone.now()})
    )


def kept_out(prefix: str = "") -> Q:
    """THE rule for a closed membership that keeps its clinician out of the care team until the
    patient accepts them again: declined, or ended other than by a cover running out (removed
    by the patient, or the clinician left)."""
    status = CareTeamMembership.Status
    return Q(**{f"{prefix}status": status.DECLINED}) | (
        Q(**{f"{prefix}status": status.ENDED})
        & ~Q(**{f"{prefix}end_reason": CareTeamMembership.EndReason.COVER_OVER})
    )


def current_members(workspace: Workspace) -> list[CareTeamMembership]:
    """The members who give care now, with active accounts: the longest-standing first, cover
    members after the permanent ones. 1 query."""
    members = CareTeamMembership.objects.filter(
        membership_current(), workspace=workspace, clinician__is_active=True
    ).select_related("clinician__organisation", "cover__absent")
    return sorted(members, key=lambda m: (m.cover_id is not None, m.started_at or m.created_at))


def lead_membership(
    workspace: Workspace, members: list[CareTeamMembership] | None = None
) -> CareTeamMembership | None:
    """THE rule for the care team's lead: the member marked lead (chosen, or the prescriber of
    the patient's programme), else the longest-standing permanent member, else a cover member.
    None when there is no care team. ``members`` saves the query when already read."""
    members = current_members(workspace) if members is None else members
    marked = [m for m in members if m.lead]
    return (marked or members or [None])[0]


def lead_notice_membership(
    workspace: Workspace, members: list[CareTeamMembership] | None = None
) -> CareTeamMembership | None:
    """Who is told first: the lead, or while the lead is away, the colleague covering for
    them in this care team (a current cover membership whose cover names the lead)."""
    members = current_members(workspace) if members is None else members
    lead = lead_membership(workspace, members)
    if lead is None:
        return None
    covering = [m for m in members if m.cover_id and m.cover.absent_id == lead.clinician_id]
    return covering[0] if covering else lead


def patient_organisations(workspace: Workspace) -> list:
    """The organisations responsible for this patient: those of the current care team; if
    there is none, of the clinicians who cared for or invited them (the most recent first).
    Empty when the patient never had contact with an organisation here."""
    current = [m.clinician.organisation for m in current_members(workspace)]
    found = list(dict.fromkeys(o for o in current if o is not None))
    if found:
        return found
    past = (
        CareTeamMembership.objects.filter(workspace=workspace)
        .exclude(clinician__organisation=None)
        .order_by("-created_at")
        .values_list("clinician__organisation", flat=True)
    )
    ids = list(dict.fromkeys(past))
    if not ids:
        ids = list(
            dict.fromkeys(
                Invitation.objects.filter(accepted_by_id=workspace.patient_id)
                .exclude(invited_by__organisation=None)
                .order_by("-created_at")
                .values_list("invited_by__organisation", flat=True)
            )
        )
    by_id = Organisation.objects.in_bulk(ids)
    return [by_id[i] for i in ids if i in by_id]


def active_membership(user, workspace: Workspace) -> CareTeamMembership | None:
    if not _usable(user) or not user.is_clinician:
        return None
    return CareTeamMembership.objects.filter(
        membership_current(), workspace=workspace, clinician=user
    ).first()


def workspaces_for_user(user) -> QuerySet[Workspace]:
    """Which workspaces may this user see at all (own, or active care-team membership)."""
    if not _usable(user):
        return Workspace.objects.none()
    if user.is_patient:
        return Workspace.objects.filter(patient=user)
    if user.is_clinician:
        # ``pk IN (their current memberships' workspaces)``: SQLite and PostgreSQL both search
        # the primary key for each membership (an EXISTS per workspace made SQLite scan every
        # workspace of the database on each authorization).
        active = CareTeamMembership.objects.filter(membership_current(), clinician=user)
        return Workspace.objects.filter(pk__in=active.values("workspace_id"))
    return Workspace.objects.none()


def workspaces_sharing(user, section: Section) -> QuerySet[Workspace]:
    """Which workspaces have shared ``section`` with this user (the owner's own included)."""
    if not _usable(user):
        return Workspace.objects.none()
    if user.is_patient:
        return Workspace.objects.filter(patient=user)
    return get_objects_for_user(
        user,
        section.perm,
        klass=workspaces_for_user(user),
        accept_global_perms=False,
        with_superuser=False,
        use_groups=False,
    )


def workspace_for_user(user, workspace_id: UUID | str) -> Workspace:
    """Fetch-and-authorize: the workspace, or 404 for anyone who may not know it exists."""
    try:
        return workspaces_for_user(user).select_related("patient").get(pk=workspace_id)
    except (Workspace.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None


def workspace_owned_by(user, workspace_id: UUID | str) -> Workspace:
    """Fetch-and-authorize for changes only the owner may make (sharing, membership)."""
    workspace = workspace_for_user(user, workspace_id)
    if not is_owner(user, workspace):
        raise Http404
    return workspace


def shared_sections(user, workspace: Workspace) -> frozenset[Section]:
    if is_owner(user, workspace):
        return frozenset(Section)
    if active_membership(user, workspace) is None:
        return frozenset()
    return shared_sections_by_workspace(user, [workspace.pk]).get(workspace.pk, frozenset())


def shared_sections_by_workspace(user, workspace_ids: Iterable) -> dict[UUID, frozenset[Section]]:
    """One query: for each workspace id, the sections shared with this clinician. The ids must
    come from ``workspaces_for_user`` (or memberships filtered by ``membership_current``)."""
    rows = WorkspaceUserObjectPermission.objects.filter(
        user=user, content_object_id__in=list(workspace_ids)
    ).values_list("content_object_id", "permission__codename")
    result: dict[UUID, set[Section]] = defaultdict(set)
    for workspace_id, codename in rows:
        if codename.startswith("share_"):
            result[workspace_id].add(Section.from_codename(codename))
    return {key: frozenset(value) for key, value in result.items()}


# Each section's bit in a consent mask: ``shared_sections_of_member`` adds up the bits of a
# workspace's consent rows in the database (one row per workspace instead of one per section).
_SECTION_BITS = {section.codename: 1 << i for i, section in enumerate(Section)}
_SECTIONS_OF_MASK: dict[int, frozenset[Section]] = {}


def _sections_of(mask: int) -> frozenset[Section]:
    found = _SECTIONS_OF_MASK.get(mask)
    if found is None:
        found = frozenset(s for i, s in enumerate(Section) if mask >> i & 1)
        _SECTIONS_OF_MASK[mask] = found
    return found


def shared_sections_of_member(user) -> dict[UUID, frozenset[Section]]:
    """One query: for every workspace that shares anything with this clinician, the sections
    shared (a whole caseload at once, a row per workspace). Read it only for workspaces where
    ``user`` is a current member (``membership_current``): the consent rows of a cover that has
    just run out stay until the job ends its membership. Not narrowed to those workspaces in
    the query itself: the user's own rows are found by index whatever the planner knows, where
    a join to the memberships was planned badly on tables without statistics."""
    # (user, permission, workspace) is unique, so the sum of the bits is their union.
    mask = Sum(
        Case(
            *(When(permission__codename=c, then=Value(bit)) for c, bit in _SECTION_BITS.items()),
            default=Value(0),
            output_field=IntegerField(),
        )
    )
    rows = (
        WorkspaceUserObjectPermission.objects.filter(user=user)
        .order_by()
        .values("content_object_id")
        .annotate(mask=mask)
        .values_list("content_object_id", "mask")
    )
    return {workspace_id: _sections_of(bits) for workspace_id, bits in rows if bits}


def member_of(user, workspace_ref) -> Exists:
    """As a subquery: ``user`` is a current member of the workspace ``workspace_ref`` points at
    (an ``OuterRef``), for readers that filter rows of many workspaces in one query."""
    return Exists(
        CareTeamMembership.objects.filter(
            membership_current(), workspace=workspace_ref, clinician=user
        )
    )


def shares_with(user, workspace_ref, section_ref) -> Exists:
    """As a subquery: the workspace ``workspace_ref`` shares the section named by
    ``section_ref`` (a value such as "progress", or an ``OuterRef`` to one) with ``user``."""
    return Exists(
        WorkspaceUserObjectPermission.objects.filter(
            user=user,
            content_object=workspace_ref,
            permission__content_type__app_label="care",
            permission__codename=Concat(Value("share_"), section_ref),
        )
    )


def can_view_section(user, workspace: Workspace, section: Section) -> bool:
    return section in shared_sections(user, workspace)


def _require_section(user, workspace: Workspace, section: Section) -> None:
    """Raise SectionNotShared (403) when a care-team member asks for an unshared section."""
    if not can_view_section(user, workspace, section):
        raise SectionNotShared(section)


# --- the one read-and-log authority ----------------------------------------------------------
#
# The status rule, the same in every app: to anyone outside the workspace's current care team it
# does not exist (Http404); a member who asks for what the patient has not shared with them, or
# for what only the patient may do, gets PermissionDenied (403): SectionNotShared ("not shared")
# or OwnerOnly. Saying yes to a member's read writes the access log in the same call.


def _refuse_unless_known(user, workspace: Workspace) -> None:
    """404 unless ``user`` owns ``workspace`` or is a current member of its care team."""
    if not (is_owner(user, workspace) or active_membership(user, workspace) is not None):
        raise Http404


def owned_object(model, *, user, pk, workspace: Workspace | None = None):
    """Fetch-and-authorize a record of a workspace that only its patient opens (their check-in,
    their crisis-plan item): the record, or 404 for anyone else."""
    filters = {"pk": pk, "workspace__patient": user}
    if workspace is not None:
        filters["workspace"] = workspace
    if not (_usable(user) and user.is_patient):
        raise Http404
    try:
        return model.objects.select_related("workspace").get(**filters)
    except (model.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None


def require_owner(user, workspace: Workspace, message: str | None = None) -> None:
    """For what only the patient may do: 404 to outsiders, OwnerOnly (403) to members."""
    if is_owner(user, workspace):
        return
    _refuse_unless_known(user, workspace)
    raise OwnerOnly(message)


def require_owner_or_member(user, workspace: Workspace) -> None:
    """For what the patient or any current member may do: 404 to everyone else."""
    _refuse_unless_known(user, workspace)


def require_member(
    user, workspace: Workspace, section: Section | None = None, message: str | None = None
) -> None:
    """For what only a current care-team member may do (a proposal to the patient): 404 to
    outsiders, PermissionDenied (403) to the patient, SectionNotShared (403) to a member who
    does not see ``section``."""
    if not is_owner(user, workspace):
        _refuse_unless_known(user, workspace)
    if active_membership(user, workspace) is None:
        raise PermissionDenied(message or _("Only members of the care team can do this."))
    if section is not None:
        _require_section(user, workspace, section)


def require_reader(user, workspace: Workspace, section: Section) -> None:
    """For a read of ``section``: 404 to outsiders, SectionNotShared (403) to members who do
    not see it. Does not log (``workspace_read`` does): for services that check before a write
    of the same section."""
    if is_owner(user, workspace):
        return
    _refuse_unless_known(user, workspace)
    _require_section(user, workspace, section)


def workspace_read(
    *,
    user,
    section: Section | str,
    via: str,
    workspace_id: UUID | str | None = None,
    workspace: Workspace | None = None,
) -> Workspace:
    """THE read of a workspace's data: fetch (by id, or check the one given), require the
    section (a Section; or a label such as "overview" that any member may read), and write
    the access log for anyone but the owner. Returns the workspace."""

    if workspace is None:
        workspace = workspace_for_user(user, workspace_id)
    elif not (is_owner(user, workspace) or active_membership(user, workspace) is not None):
        raise Http404
    if isinstance(section, Section):
        _require_section(user, workspace, section)
    access_record(actor=user, workspace=workspace, section=str(section), via=via)
    return workspace


def workspace_for_change(*, user, workspace_id: UUID | str, section: Section) -> Workspace:
    """Fetch-and-authorize before a change of ``section`` (or before finding the record a
    read is about, so that a missing record writes no log entry): 404 to outsiders,
    SectionNotShared (403) to members who do not see it. Not logged: a read that follows
    goes through ``workspace_read``."""
    workspace = workspace_for_user(user, workspace_id)
    require_reader(user, workspace, section)
    return workspace


def list_read(*, user, workspaces: Iterable[Workspace], section: Section | str, via: str) -> None:
    """THE log of a list read (the caseload, the alert list, the inbox): one access-log entry
    per workspace shown, in one INSERT. ``workspaces`` must come from this module's querysets
    (``workspaces_for_user``, ``workspaces_sharing``, ``member_of``/``shares_with`` filters):
    lists filter through the policy before they are shown, and only then are they logged."""
    access_record_many(actor=user, workspaces=workspaces, section=str(section), via=via)


def sections_read(*, user, workspace: Workspace, sections: Iterable[str], via: str) -> None:
    """THE log of a read of one workspace authorised by a rule built on this module rather than
    by the section rule (an alert and its safety information, which a duty contact outside the
    care team may read: ``alerts.policies``): one entry per part read, in one INSERT."""
    access_record_sections(actor=user, workspace=workspace, sections=list(sections), via=via)


def workspace_read_sections(
    *,
    user,
    workspace_id: UUID | str,
    via: str,
    labels: Iterable[str] = (),
    sections: Iterable[Section] | None = None,
) -> tuple[Workspace, frozenset[Section]]:
    """THE read of several sections at once (an overview page): fetch, keep of ``sections``
    (every section when None) only those shared with ``user``, and log the ``labels`` (parts
    any member may read, such as "overview") and the sections kept, in one INSERT. Returns the
    workspace and every section ``user`` sees in it; nothing unshared is refused or logged."""
    from records.services import access_record_sections  # services build on this module

    workspace = workspace_for_user(user, workspace_id)
    shared = shared_sections(user, workspace)
    wanted = frozenset(Section) if sections is None else frozenset(sections)
    access_record_sections(
        actor=user, workspace=workspace, sections=[*labels, *sorted(wanted & shared)], via=via
    )
    return workspace, shared


# --- relatives and trusted people (docs/relatives.md) -----------------------------------------


def relative_current() -> Q:
    """Accepted, not revoked, not past its end date: checked on every request."""
    return Q(accepted_at__isnull=False, revoked_at__isnull=True, expires_at__gt=timezone.now())


def relative_accesses(user) -> QuerySet[RelativeAccess]:
    """The relative's current accesses, each with its workspace and patient."""
    if not _usable(user) or not user.is_relative:
        return RelativeAccess.objects.none()
    return (
        RelativeAccess.objects.filter(relative_current(), relative=user)
        .select_related("workspace__patient")
        .order_by("workspace__patient__full_name")
    )


def relative_access(user, workspace_id) -> RelativeAccess:
    """Fetch-and-authorize: the relative's current access to the workspace, or 404 (expired,
    revoked, never given or another person's: all look the same)."""
    try:
        return relative_accesses(user).get(workspace_id=workspace_id)
    except (RelativeAccess.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None


def relative_read(*, user, workspace_id, section: Section, via: str = "relative") -> RelativeAccess:
    """THE read of a section by a relative: their current access must include ``section``
    (otherwise 404: a relative is not told what else exists), and the read is written to the
    patient's access log as part of saying yes. Returns the access (``.workspace`` is loaded)."""
    access = relative_access(user, workspace_id)
    if section not in access.section_set:
        raise Http404
    access_record(actor=user, workspace=access.workspace, section=str(section), via=via)
    return access
