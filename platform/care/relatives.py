"""Relatives and trusted people (docs/relatives.md): the patient invites someone by e-mail,
chooses what they see and until when, renews or revokes it; the person accepts with an account
of their own (role "relative").

What a relative may read is decided in one place, ``care.policies.relative_read``; this module
only changes who has access.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.languages import language_of
from accounts.models import User
from care import policies
from care.models import RELATIVE_SECTIONS, RelativeAccess, Workspace
from config.input_hygiene import validate_clean_text
from records.events import publish_access_changed
from records.services import audit

SALT = "care.relative-invitation"
INVITATION_DAYS = 14
DEFAULT_MONTHS = 12
LONGEST_DAYS = 3 * 366
MOST_PEOPLE = 20  # open invitations and accesses per patient


def default_end(today: date | None = None) -> date:
    today = today or timezone.localdate()
    return today + timedelta(days=365)


def end_of(day, *, field: str = "expires_on") -> datetime:
    if not isinstance(day, date):
        raise ValidationError({field: _("Choose the last day they can see it.")})
    today = timezone.localdate()
    if day < today:
        raise ValidationError({field: _("Choose today or a later day.")})
    if day > today + timedelta(days=LONGEST_DAYS):
        raise ValidationError({field: _("Choose a day within three years; you can renew it.")})
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def _sections(values) -> list[str]:
    chosen = [str(v) for v in (values or [])]
    allowed = {s.value for s in RELATIVE_SECTIONS}
    if any(v not in allowed for v in chosen):
        raise ValidationError({"sections": _("Choose from the parts listed.")})
    if not chosen:
        raise ValidationError({"sections": _("Choose at least one thing they may see.")})
    return sorted(set(chosen))


def _label(value) -> str:
    value = (value or "").strip() if isinstance(value, str) else ""
    validate_clean_text(value)
    if not value:
        raise ValidationError({"label": _("Say who they are to you, for example “my sister”.")})
    if len(value) > 80:
        raise ValidationError({"label": _("Please keep this under 80 characters.")})
    return value


def invitation_token(access: RelativeAccess) -> str:
    return signing.dumps(str(access.pk), salt=SALT)


def access_from_token(token: str) -> RelativeAccess:
    """The open invitation behind a link; ValidationError when it is not (any more)."""
    try:
        pk = signing.loads(token, salt=SALT, max_age=INVITATION_DAYS * 24 * 3600)
        access = RelativeAccess.objects.select_related("workspace__patient").get(pk=pk)
    except (signing.BadSignature, RelativeAccess.DoesNotExist, ValueError, ValidationError):
        raise ValidationError(_("This invitation link is not valid or has expired.")) from None
    if access.accepted_at is not None or access.revoked_at is not None:
        raise ValidationError(_("This invitation link is not valid or has expired."))
    return access


@transaction.atomic
def relative_invite(
    *, workspace: Workspace, by: User, email, label, sections, expires_on=None
) -> RelativeAccess:
    """The patient invites someone they trust. Nothing is pre-chosen: they pick what the person
    may see. The person gets an e-mail with a link valid for 14 days."""
    policies.require_owner(by, workspace)
    email = (email or "").strip().lower() if isinstance(email, str) else ""
    try:
        validate_email(email)
        validate_clean_text(email)
    except ValidationError:
        raise ValidationError({"email": _("Enter a valid e-mail address.")}) from None
    if email == by.email.lower():
        raise ValidationError({"email": _("This is your own address.")})
    if RelativeAccess.objects.filter(workspace=workspace, revoked_at__isnull=True).count() >= (
        MOST_PEOPLE
    ):
        raise ValidationError(
            _("You share with %(n)s people already. Stop sharing with someone first.")
            % {"n": MOST_PEOPLE}
        )
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None and not existing.is_relative:
        raise ValidationError(
            {"email": _("This address belongs to another kind of account here; use another.")}
        )
    access = RelativeAccess(
        workspace=workspace,
        email=email,
        label=_label(label),
        sections=_sections(sections),
        expires_at=end_of(expires_on or default_end()),
    )
    try:
        with transaction.atomic():
            access.save()
    except IntegrityError:
        raise ValidationError({"email": _("You have already invited this person.")}) from None
    audit(action="care.relative.invited", actor=by, workspace=workspace, access=str(access.pk))
    link = settings.SITE_URL + reverse("relative:invitation", args=[invitation_token(access)])
    language = language_of(existing) if existing else language_of(by)
    with translation.override(language):
        subject = _("An invitation from someone who trusts you")
        body = render_to_string(
            "care/relative_invitation_email.txt",
            {"link": link, "days": INVITATION_DAYS, "patient": by.get_short_name()},
        )
    transaction.on_commit(
        lambda: send_mail(subject=subject, message=body, from_email=None, recipient_list=[email])
    )
    return access


@transaction.atomic
def relative_accept(*, access: RelativeAccess, user: User) -> RelativeAccess:
    """The invited person accepts with their own relative account (same e-mail address)."""
    access = RelativeAccess.objects.select_for_update().get(pk=access.pk)
    if not user.is_relative:
        raise PermissionDenied
    if user.email.lower() != access.email.lower():
        raise ValidationError(_("This invitation was sent to another e-mail address."))
    if access.accepted_at is not None or access.revoked_at is not None:
        raise ValidationError(_("This invitation link is not valid or has expired."))
    access.relative, access.accepted_at = user, timezone.now()
    access.save(update_fields=["relative", "accepted_at", "updated_at"])
    audit(
        action="care.relative.accepted",
        actor=user,
        workspace=access.workspace,
        access=str(access.pk),
    )
    return access


def _locked(access: RelativeAccess, by: User) -> RelativeAccess:
    access = (
        RelativeAccess.objects.select_for_update().select_related("workspace").get(pk=access.pk)
    )
    policies.require_owner(by, access.workspace)
    if access.revoked_at is not None:
        raise ValidationError(_("This access has already ended."))
    return access


def _changed(access: RelativeAccess, by: User, action: str, **data) -> RelativeAccess:
    """Audit a change of someone's access and tell their open pages to check again."""
    audit(action=action, actor=by, workspace=access.workspace, access=str(access.pk), **data)
    if access.relative_id:
        publish_access_changed(user_ids=[access.relative_id], workspace_id=access.workspace_id)
    return access


@transaction.atomic
def relative_update(*, access: RelativeAccess, by: User, sections, expires_on) -> RelativeAccess:
    """The patient changes what the person sees, or renews or shortens their access."""
    access = _locked(access, by)
    access.sections = _sections(sections)
    access.expires_at = end_of(expires_on)
    access.save(update_fields=["sections", "expires_at", "updated_at"])
    return _changed(access, by, "care.relative.changed", sections=access.sections)


@transaction.atomic
def relative_revoke(*, access: RelativeAccess, by: User) -> RelativeAccess:
    """The patient ends the person's access, at once."""
    access = _locked(access, by)
    access.revoked_at = timezone.now()
    access.save(update_fields=["revoked_at", "updated_at"])
    return _changed(access, by, "care.relative.revoked")
