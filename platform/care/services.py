"""Writes in the care core: workspaces, care-team membership, consent, invitations, access log.

Every service is atomic and keyword-only, validates its input, writes an audit event for each
change of consent or membership, and publishes ``access.changed`` after commit so that open
sockets re-check what they may see.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.contrib.auth.models import Permission
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.languages import language_of, organisation_language
from accounts.models import User
from care import courses, policies
from care.models import (
    CareTeamMembership,
    Course,
    Cover,
    Invitation,
    Workspace,
    WorkspaceUserObjectPermission,
)
from care.sections import Section
from records.events import publish_access_changed
from records.services import audit

INVITATION_SALT = "care.invitation"


# --- workspaces ------------------------------------------------------------------------------


@transaction.atomic
def workspace_get_or_create(*, patient: User) -> Workspace:
    if not patient.is_patient:
        raise ValidationError(_("Only a patient can own a workspace."))
    workspace, created = Workspace.objects.get_or_create(patient=patient)
    if created:
        audit(action="care.workspace.created", actor=patient, workspace=workspace)
    return workspace


def workspace_touch(*, workspace: Workspace) -> None:
    """Mark patient activity (used for recency on the caseload)."""
    now = timezone.now()
    Workspace.objects.filter(pk=workspace.pk).update(last_activity_at=now)
    workspace.last_activity_at = now


# --- membership ------------------------------------------------------------------------------


def _role_for(clinician: User) -> str:
    if clinician.role == User.Role.GP:
        return CareTeamMembership.Role.GP
    if clinician.role == User.Role.THERAPIST:
        return CareTeamMembership.Role.THERAPIST
    raise ValidationError(_("Only a GP or a therapist can join a care team."))


@transaction.atomic
def membership_invite(
    *, workspace: Workspace, clinician: User, invited_by: User
) -> CareTeamMembership:
    """Add a clinician to the care team, pending the patient's consent. Idempotent while open.
    After an ended or declined membership this is a new invitation: nothing is shared until the
    patient accepts it."""
    if not clinician.is_active:
        raise ValidationError(_("This clinician's account is not active."))
    role = _role_for(clinician)
    existing = (
        CareTeamMembership.objects.select_for_update()
        .filter(workspace=workspace, clinician=clinician)
        .exclude(status__in=CareTeamMembership.CLOSED)
        .first()
    )
    if existing:
        return existing
    membership = CareTeamMembership.objects.create(
        workspace=workspace, clinician=clinician, role=role, invited_by=invited_by
    )
    audit(
        action="care.membership.invited",
        actor=invited_by,
        workspace=workspace,
        membership=str(membership.pk),
        clinician=str(clinician.pk),
    )
    return membership


_TRANSITION_AUDIT = {
    CareTeamMembership.Status.ACTIVE: "care.membership.accepted",
    CareTeamMembership.Status.DECLINED: "care.membership.declined",
    CareTeamMembership.Status.ENDED: "care.membership.ended",
}


def membership_transition(
    *,
    membership: CareTeamMembership,
    to: CareTeamMembership.Status,
    actor: User | None,
    end_reason: str = CareTeamMembership.EndReason.NONE,
    action: str = "",
    **audit_data,
) -> CareTeamMembership:
    """THE one writer of a membership's status. The caller holds the row lock and has checked
    who may ask; this applies ``CareTeamMembership.TRANSITIONS`` (anything else is a
    ValidationError and changes nothing), stamps the time, removes every consent switch when
    the membership closes, audits, and tells the clinician's sockets to re-check."""
    old = membership.status
    if (old, to) not in CareTeamMembership.TRANSITIONS:
        raise ValidationError(_("This care-team membership is no longer open."))
    fields = ["status", "updated_at"]
    membership.status = to
    if to == CareTeamMembership.Status.ACTIVE:
        membership.started_at = timezone.now()
        fields.append("started_at")
    else:
        _set_sections(membership, set())
        membership.ended_at = timezone.now()
        membership.end_reason = end_reason
        fields += ["ended_at", "end_reason"]
    membership.save(update_fields=fields)
    audit(
        action=action or _TRANSITION_AUDIT[to],
        actor=actor,
        workspace=membership.workspace,
        membership=str(membership.pk),
        **audit_data,
    )
    publish_access_changed(user_ids=[membership.clinician_id], workspace_id=membership.workspace_id)
    return membership


def _locked(membership: CareTeamMembership) -> CareTeamMembership:
    return (
        CareTeamMembership.objects.select_for_update()
        .select_related("workspace")
        .get(pk=membership.pk)
    )


@transaction.atomic
def membership_accept(
    *, membership: CareTeamMembership, by: User, sections: Iterable[Section] = ()
) -> CareTeamMembership:
    """The patient agrees to a clinician joining their care team, choosing what to share: the
    only way a membership becomes active (besides a cover, see ``cover_start``)."""
    membership = _locked(membership)
    if membership.workspace.patient_id != by.pk:
        raise ValidationError(_("Only the patient can accept a member of their care team."))
    if membership.status != CareTeamMembership.Status.INVITED:
        raise ValidationError(_("This care-team invitation is no longer open."))
    membership_transition(membership=membership, to=CareTeamMembership.Status.ACTIVE, actor=by)
    sharing_update(membership=membership, sections=list(sections), by=by)
    # Accepting a clinician starts a course of care, unless one is open (docs/courses.md).
    courses.course_open(
        workspace=membership.workspace,
        how=Course.StartedHow.ACCEPTED,
        clinician=membership.clinician,
        by=by,
    )
    return membership


@transaction.atomic
def membership_decline(*, membership: CareTeamMembership, by: User) -> CareTeamMembership:
    """The patient says no to an invitation. Final: neither a cover nor the same invitation
    brings the clinician in; only a new invitation the patient accepts."""
    membership = _locked(membership)
    if membership.workspace.patient_id != by.pk:
        raise ValidationError(_("Only the patient can decline a member of their care team."))
    if membership.status == CareTeamMembership.Status.DECLINED:
        return membership
    return membership_transition(
        membership=membership, to=CareTeamMembership.Status.DECLINED, actor=by
    )


@transaction.atomic
def membership_end(*, membership: CareTeamMembership, by: User) -> CareTeamMembership:
    """End a membership (the patient, or the clinician leaving). Access stops at once: every
    consent switch is removed and the clinician's sockets are told to re-check. The patient
    ending an invitation declines it. Idempotent on a closed membership."""
    membership = _locked(membership)
    if by.pk not in (membership.workspace.patient_id, membership.clinician_id):
        raise ValidationError(_("Only the patient or the clinician can end this membership."))
    if membership.status in CareTeamMembership.CLOSED:
        return membership
    by_patient = by.pk == membership.workspace.patient_id
    if by_patient and membership.status == CareTeamMembership.Status.INVITED:
        return membership_transition(
            membership=membership, to=CareTeamMembership.Status.DECLINED, actor=by
        )
    reason = (
        CareTeamMembership.EndReason.REMOVED if by_patient else CareTeamMembership.EndReason.LEFT
    )
    return membership_transition(
        membership=membership, to=CareTeamMembership.Status.ENDED, actor=by, end_reason=reason
    )


# --- the lead --------------------------------------------------------------------------------


@transaction.atomic
def lead_set(
    *, membership: CareTeamMembership, by: User, how: str = CareTeamMembership.Lead.CHOSEN
) -> CareTeamMembership:
    """Make ``membership`` the named lead of its care team (docs/alerts.md).

    ``how="chosen"``: the patient, or a current member of the team, names the lead; it stands
    until someone chooses again or the lead leaves. ``how="prescriber"``: prescribing a
    programme makes the prescriber the lead, unless a lead was chosen. A cover member is
    never the lead (they stand in for one). Idempotent; audited when it changes."""
    how = CareTeamMembership.Lead(how)
    membership = (
        CareTeamMembership.objects.select_for_update()
        .select_related("workspace", "clinician")
        .get(pk=membership.pk)
    )
    workspace = membership.workspace
    is_patient = by.pk == workspace.patient_id
    member = CareTeamMembership.objects.filter(
        policies.membership_current(), workspace=workspace, clinician=by
    ).exists()
    if not (is_patient or member):
        raise ValidationError(_("Only the patient or their care team can choose the lead."))
    if how == CareTeamMembership.Lead.PRESCRIBER and membership.cover_id is not None:
        return membership  # prescribing while covering does not take over the lead
    if not membership.is_active or membership.cover_id is not None:
        raise ValidationError(
            _("The lead must be a current member of the care team who is not covering.")
        )
    team = (
        CareTeamMembership.objects.select_for_update()
        .filter(workspace=workspace)
        .exclude(status__in=CareTeamMembership.CLOSED)
    )
    marked = [m for m in team if m.lead]
    if how == CareTeamMembership.Lead.PRESCRIBER and any(
        m.lead == CareTeamMembership.Lead.CHOSEN and m.is_active and m.pk != membership.pk
        for m in marked
    ):
        return membership
    if membership.lead == how or (how == CareTeamMembership.Lead.PRESCRIBER and membership.lead):
        return membership
    team.exclude(pk=membership.pk).exclude(lead="").update(lead="", updated_at=timezone.now())
    membership.lead = how
    membership.save(update_fields=["lead", "updated_at"])
    audit(
        action="care.lead.set",
        actor=by,
        workspace=workspace,
        membership=str(membership.pk),
        how=how.value,
    )
    return membership


# --- consent ---------------------------------------------------------------------------------


def _share_permissions() -> dict[Section, Permission]:
    perms = Permission.objects.filter(
        content_type__app_label="care", codename__in=[s.codename for s in Section]
    )
    return {Section.from_codename(p.codename): p for p in perms}


def _set_sections(membership: CareTeamMembership, wanted: set[Section]) -> tuple[set, set]:
    current_rows = WorkspaceUserObjectPermission.objects.filter(
        user_id=membership.clinician_id, content_object_id=membership.workspace_id
    ).select_related("permission")
    current = {Section.from_codename(row.permission.codename) for row in current_rows}
    added, removed = wanted - current, current - wanted
    if removed:
        WorkspaceUserObjectPermission.objects.filter(
            user_id=membership.clinician_id,
            content_object_id=membership.workspace_id,
            permission__codename__in=[s.codename for s in removed],
        ).delete()
    if added:
        perms = _share_permissions()
        WorkspaceUserObjectPermission.objects.bulk_create(
            [
                WorkspaceUserObjectPermission(
                    user_id=membership.clinician_id,
                    content_object_id=membership.workspace_id,
                    permission=perms[section],
                )
                for section in sorted(added)
            ]
        )
    return added, removed


@transaction.atomic
def sharing_update(
    *, membership: CareTeamMembership, sections: Iterable[Section | str], by: User
) -> CareTeamMembership:
    """Set exactly which sections this care-team member sees. Effective on the next request."""
    try:
        wanted = {Section(s) for s in sections}
    except ValueError:
        raise ValidationError({"sections": _("Unknown section.")}) from None
    membership = (
        CareTeamMembership.objects.select_for_update()
        .select_related("workspace")
        .get(pk=membership.pk)
    )
    if membership.workspace.patient_id != by.pk:
        raise ValidationError(_("Only the patient decides what is shared."))
    if not membership.is_active:
        raise ValidationError(_("Sharing can only be set for an active care-team member."))
    added, removed = _set_sections(membership, wanted)
    for action, changed in (("care.sharing.granted", added), ("care.sharing.revoked", removed)):
        if changed:
            audit(
                action=action,
                actor=by,
                workspace=membership.workspace,
                membership=str(membership.pk),
                sections=sorted(changed),
            )
    if added or removed:
        publish_access_changed(
            user_ids=[membership.clinician_id], workspace_id=membership.workspace_id
        )
    return membership


# --- access log ------------------------------------------------------------------------------


# --- invitations -----------------------------------------------------------------------------


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps(str(invitation.pk), salt=INVITATION_SALT)


class InvitationInvalid(Exception):
    """The link is malformed, tampered with, expired or already used."""


def invitation_from_token(token: str) -> Invitation:
    max_age = timedelta(days=settings.INVITATION_MAX_AGE_DAYS)
    try:
        invitation_id = signing.loads(token, salt=INVITATION_SALT, max_age=max_age)
        invitation = Invitation.objects.select_related("invited_by").get(pk=invitation_id)
    except (signing.BadSignature, Invitation.DoesNotExist, ValueError, ValidationError):
        raise InvitationInvalid(_("This invitation link is not valid.")) from None
    if invitation.accepted_at is not None:
        raise InvitationInvalid(_("This invitation has already been used."))
    if invitation.expires_at <= timezone.now():
        raise InvitationInvalid(_("This invitation has expired. Please ask for a new one."))
    return invitation


@transaction.atomic
def invitation_create(*, clinician: User, email: str, base_url: str) -> Invitation:
    """Invite a patient by e-mail. The e-mail carries a signed, expiring, single-use link."""
    if not clinician.is_clinician:
        raise ValidationError(_("Only a clinician can invite a patient."))
    email = email.strip().lower()
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None and not existing.is_patient:
        raise ValidationError(
            {"email": _("This address belongs to a staff account, not a patient.")}
        )
    invitation = Invitation.objects.create(
        email=email,
        invited_by=clinician,
        expires_at=timezone.now() + timedelta(days=settings.INVITATION_MAX_AGE_DAYS),
    )
    invitation.full_clean()
    audit(action="care.invitation.created", actor=clinician, invitation=str(invitation.pk))
    link = base_url + reverse("patient:invitation", args=[invitation_token(invitation)])
    context = {"clinician": clinician, "link": link, "days": settings.INVITATION_MAX_AGE_DAYS}
    # In the patient's language when they have an account; else the clinician's organisation's,
    # else the language the clinician is working in.
    language = (
        language_of(existing)
        if existing is not None
        else organisation_language(clinician.organisation) or translation.get_language()
    )
    with translation.override(language):
        subject = _("An invitation to your self-help programme")
        message = render_to_string("care/invitation_email.txt", context)
    transaction.on_commit(
        lambda: send_mail(subject=subject, message=message, from_email=None, recipient_list=[email])
    )
    return invitation


@transaction.atomic
def invitation_accept(
    *, invitation: Invitation, user: User | None = None, full_name: str = "", password: str = ""
) -> tuple[User, CareTeamMembership]:
    """Use an invitation once: create the patient (or take the signed-in patient), their
    workspace, and the inviting clinician's membership pending the patient's consent."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None or invitation.expires_at <= timezone.now():
        raise InvitationInvalid(_("This invitation is no longer valid."))
    if user is None:
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise InvitationInvalid(_("An account with this e-mail exists: please sign in first."))
        user = User.objects.create_user(
            email=invitation.email, password=password, full_name=full_name, role=User.Role.PATIENT
        )
        audit(
            action="accounts.user.created_from_invitation",
            actor=user,
            invitation=str(invitation.pk),
        )
    elif user.email.lower() != invitation.email.lower() or not user.is_patient:
        raise InvitationInvalid(_("This invitation was sent to another e-mail address."))
    workspace = workspace_get_or_create(patient=user)
    membership = membership_invite(
        workspace=workspace, clinician=invitation.invited_by, invited_by=invitation.invited_by
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit(
        action="care.invitation.accepted",
        actor=user,
        workspace=workspace,
        invitation=str(invitation.pk),
    )
    return user, membership


# --- cover -----------------------------------------------------------------------------------
#
# A clinician away hands their caseload to a colleague of the same organisation for a period.
# At the start the colleague joins each care team the absent clinician is active in as a cover
# member (an ordinary ACTIVE membership with ``cover`` and ``ends_at`` set), sharing exactly
# what the patient shares with the absent clinician at that moment. care.policies stops access
# at ``ends_at``; the periodic job (``manage.py run_covers``) then ends the membership. The
# patient sees the cover and can change or end it like any other membership.


def _cover_bounds(absent: User, starts_on: date, ends_on: date) -> tuple[datetime, datetime]:
    """The inclusive days as instants: from the first day's midnight to the midnight after the
    last day, in the absent clinician's time zone."""
    zone = zoneinfo.ZoneInfo(absent.timezone)
    start = datetime.combine(starts_on, time.min, tzinfo=zone)
    end = datetime.combine(ends_on + timedelta(days=1), time.min, tzinfo=zone)
    return start, end


def cover_colleagues(*, absent: User):
    """Who may cover for ``absent``: active clinicians of the same organisation, not themselves."""
    if not absent.is_clinician or absent.organisation_id is None:
        return User.objects.none()
    return (
        User.objects.filter(
            organisation_id=absent.organisation_id,
            role__in=User.CLINICAL_ROLES,
            is_active=True,
        )
        .exclude(pk=absent.pk)
        .order_by("full_name")
    )


@transaction.atomic
def cover_create(
    *, absent: User, colleague: User, starts_on: date, ends_on: date, note: str = ""
) -> Cover:
    """Arrange a cover. Starts at once when the first day is today (in the absent clinician's
    time zone); otherwise the periodic job starts it."""
    if not absent.is_clinician or not absent.is_active:
        raise ValidationError(_("Only a GP or a therapist can arrange cover."))
    if not cover_colleagues(absent=absent).filter(pk=colleague.pk).exists():
        raise ValidationError(
            {"colleague": _("Choose an active colleague from your own organisation.")}
        )
    today = timezone.localdate(timezone=zoneinfo.ZoneInfo(absent.timezone))
    errors = {}
    if starts_on < today:
        errors["starts_on"] = _("The first day cannot be in the past.")
    elif starts_on > today + timedelta(days=365):
        errors["starts_on"] = _("A cover can be arranged up to a year ahead.")
    if ends_on < starts_on:
        errors["ends_on"] = _("The last day cannot be before the first day.")
    elif (ends_on - starts_on).days + 1 > Cover.MAX_DAYS:
        errors["ends_on"] = _("A cover lasts at most %(days)d days.") % {"days": Cover.MAX_DAYS}
    if errors:
        raise ValidationError(errors)
    starts_at, ends_at = _cover_bounds(absent, starts_on, ends_on)
    overlapping = Cover.objects.select_for_update().filter(
        absent=absent, cancelled_at__isnull=True, starts_at__lt=ends_at, ends_at__gt=starts_at
    )
    if overlapping.exists():
        raise ValidationError(_("You already have a cover arranged for some of these days."))
    cover = Cover(
        absent=absent,
        colleague=colleague,
        starts_on=starts_on,
        ends_on=ends_on,
        starts_at=starts_at,
        ends_at=ends_at,
        note=note.strip(),
        created_by=absent,
    )
    cover.full_clean()
    cover.save()
    audit(
        action="care.cover.created",
        actor=absent,
        cover=str(cover.pk),
        colleague=str(colleague.pk),
        starts_on=starts_on.isoformat(),
        ends_on=ends_on.isoformat(),
    )
    if starts_at <= timezone.now():
        cover_start(cover=cover)
    return cover


@transaction.atomic
def cover_start(*, cover: Cover) -> int:
    """Bring the colleague into every care team the absent clinician is active in now, where
    the colleague is not already a member (invited or active) and this cover has not been
    there before (so a patient who ended the cover member is not asked again). Idempotent:
    the job calls it on every run while the cover lasts, so patients who join the absent
    clinician's care during the cover are covered too. Returns how many memberships it made.

    A system action: audited as ``care.cover.started`` per workspace (no actor, ids only)."""
    cover = Cover.objects.select_for_update().select_related("absent", "colleague").get(pk=cover.pk)
    now = timezone.now()
    if cover.cancelled_at is not None or not (cover.starts_at <= now < cover.ends_at):
        return 0
    colleague = cover.colleague
    if not (colleague.is_active and colleague.is_clinician and cover.absent.is_active):
        return 0
    # Not where the colleague is already in the team (invited or active), nor where this cover
    # has been before, nor where the patient removed or declined the colleague (or they left):
    # only the patient's own acceptance brings them back (docs/cover.md).
    taken = CareTeamMembership.objects.filter(clinician=colleague).filter(
        ~Q(status__in=CareTeamMembership.CLOSED) | Q(cover=cover) | policies.kept_out()
    )
    absent_memberships = list(
        CareTeamMembership.objects.filter(
            policies.membership_current(), clinician=cover.absent, cover__isnull=True
        )
        .exclude(workspace_id__in=taken.values("workspace_id"))
        .select_related("workspace")
    )
    if not absent_memberships:
        return 0
    shared = policies.shared_sections_by_workspace(
        cover.absent, [m.workspace_id for m in absent_memberships]
    )
    role = _role_for(colleague)
    for original in absent_memberships:
        membership = CareTeamMembership.objects.create(
            workspace=original.workspace,
            clinician=colleague,
            role=role,
            status=CareTeamMembership.Status.ACTIVE,
            invited_by=cover.absent,
            started_at=now,
            cover=cover,
            ends_at=cover.ends_at,
        )
        sections = set(shared.get(original.workspace_id, frozenset()))
        _set_sections(membership, sections)
        audit(
            action="care.cover.started",
            actor=None,
            workspace=original.workspace,
            cover=str(cover.pk),
            membership=str(membership.pk),
            covering_for=str(original.pk),
            sections=sorted(sections),
        )
        publish_access_changed(user_ids=[colleague.pk], workspace_id=original.workspace_id)
    return len(absent_memberships)


def _cover_membership_end(membership: CareTeamMembership, *, action: str, actor) -> None:
    """End one cover membership (locked by the caller): consent removed, audited, sockets told."""
    membership_transition(
        membership=membership,
        to=CareTeamMembership.Status.ENDED,
        actor=actor,
        end_reason=CareTeamMembership.EndReason.COVER_OVER,
        action=action,
        cover=str(membership.cover_id),
    )


@transaction.atomic
def cover_cancel(*, cover: Cover, by: User) -> Cover:
    """Cancel a cover (the absent clinician, or the colleague handing it back). Its memberships
    end at once. Idempotent."""
    cover = Cover.objects.select_for_update().get(pk=cover.pk)
    if by.pk not in (cover.absent_id, cover.colleague_id):
        raise ValidationError(_("Only the two clinicians of a cover can cancel it."))
    if cover.cancelled_at is not None:
        return cover
    cover.cancelled_at = timezone.now()
    cover.save(update_fields=["cancelled_at", "updated_at"])
    audit(action="care.cover.cancelled", actor=by, cover=str(cover.pk))
    open_memberships = (
        CareTeamMembership.objects.select_for_update()
        .filter(cover=cover)
        .exclude(status__in=CareTeamMembership.CLOSED)
        .select_related("workspace")
        .order_by("pk")
    )
    for membership in open_memberships:
        _cover_membership_end(membership, action="care.cover.ended", actor=by)
    return cover


@dataclass(frozen=True)
class CoverRun:
    started: int
    ended: int


def covers_run() -> CoverRun:
    """The periodic job: start (or top up) every cover under way, end every cover membership
    past its end. Idempotent; safe every few minutes and from two schedulers at once (row
    locks)."""
    now = timezone.now()
    started = 0
    current = Cover.objects.filter(
        cancelled_at__isnull=True, starts_at__lte=now, ends_at__gt=now
    ).order_by("pk")
    for cover in current:
        started += cover_start(cover=cover)
    ended = 0
    expired = (
        CareTeamMembership.objects.filter(cover__isnull=False, ends_at__lte=now)
        .exclude(status__in=CareTeamMembership.CLOSED)
        .values_list("pk", flat=True)
    )
    for membership_id in list(expired):
        with transaction.atomic():
            membership = (
                CareTeamMembership.objects.select_for_update()
                .select_related("workspace")
                .filter(pk=membership_id)
                .exclude(status__in=CareTeamMembership.CLOSED)
                .first()
            )
            if membership is not None:
                _cover_membership_end(membership, action="care.cover.ended", actor=None)
                ended += 1
    return CoverRun(started=started, ended=ended)
