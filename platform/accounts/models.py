"""Users, roles and organisations. E-mail is the login; every user has exactly one role."""

from __future__ import annotations

import uuid
import zoneinfo

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.contrib.sessions.base_session import AbstractBaseSession
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone as dj_timezone
from django.utils.translation import gettext_lazy as _


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("%(value)s is not a known time zone."), params={"value": value})


COUNTRY_CHOICES = [("DK", _("Denmark")), ("NO", _("Norway")), ("GB", _("United Kingdom"))]
LANGUAGE_CHOICES = settings.LANGUAGES


class Organisation(models.Model):
    class Kind(models.TextChoices):
        GP_PRACTICE = "gp_practice", _("GP practice")
        CLINIC = "clinic", _("Clinic")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(
        _("kind"), max_length=20, choices=Kind.choices, default=Kind.GP_PRACTICE
    )
    duty_contact_email = models.EmailField(_("duty contact e-mail"), blank=True)
    # The organisation's own identifier in a national register, for exports to GP systems
    # (e.g. an NHS ODS code, a Danish SOR code): a system URI and the value. Optional.
    identifier_system = models.URLField(_("identifier system"), max_length=200, blank=True)
    identifier = models.CharField(_("identifier"), max_length=64, blank=True)
    # Where the organisation works: its emergency numbers (care/emergency.py) and, unless
    # ``language`` says otherwise, the language its people read (accounts/languages.py).
    country = models.CharField(
        _("country"),
        max_length=2,
        blank=True,
        choices=COUNTRY_CHOICES,
        help_text=_("Blank: the site's country."),
    )
    language = models.CharField(
        _("default language"),
        max_length=8,
        blank=True,
        choices=LANGUAGE_CHOICES,
        help_text=_("Blank: the country's language. A person's own choice always comes first."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    """A team within an organisation (a therapy team, a GP practice's list): the service report
    counts per team. A clinician belongs to at most one."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="teams"
    )
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="team_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password) if password else user.set_unusable_password()
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **fields):
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields):
        fields.setdefault("role", User.Role.ORG_ADMIN)
        fields["is_staff"] = True
        fields["is_superuser"] = True
        return self._create(email, password, **fields)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    class Role(models.TextChoices):
        PATIENT = "patient", _("Patient")
        GP = "gp", _("GP")
        THERAPIST = "therapist", _("Therapist")
        ORG_ADMIN = "org_admin", _("Organisation admin")
        # The organisation's duty contact: sees urgent alerts of the organisation's patients
        # that their care team has not acknowledged in time, or that have no care team at
        # all (docs/alerts.md). Never a care-team member; sees the safety details only.
        DUTY = "duty", _("Duty contact")
        # Moderates the peer support forum (docs/forum.md): sees members' handles and posts,
        # never their names or records; a handle's person only through an audited lookup.
        MODERATOR = "moderator", _("Forum moderator")
        # Runs the forum (docs/forum.md): everything a moderator does, and its spaces, their
        # modes and slow mode, and who is a peer supporter.
        FORUM_ADMIN = "forum_admin", _("Forum admin")
        # A relative or trusted person a patient invited (docs/relatives.md): sees only what
        # that patient shares with them, read-only, until the end date the patient chose.
        RELATIVE = "relative", _("Relative or trusted person")

    CLINICAL_ROLES = (Role.GP, Role.THERAPIST)
    ORGANISATION_ROLES = (Role.GP, Role.THERAPIST, Role.DUTY, Role.MODERATOR, Role.FORUM_ADMIN)
    FORUM_ROLES = (Role.MODERATOR, Role.FORUM_ADMIN)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.PATIENT)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )
    team = models.ForeignKey(
        Team,
        verbose_name=_("team"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
    )
    timezone = models.CharField(
        _("time zone"), max_length=64, default="Europe/Copenhagen", validators=[validate_timezone]
    )
    # Blank: follow the browser, then the organisation (accounts/languages.py).
    language = models.CharField(
        _("language"), max_length=8, blank=True, default="", choices=LANGUAGE_CHOICES
    )
    # A short e-mail that a new message is waiting (never its text); see docs/messaging.md.
    message_notifications = models.BooleanField(
        _("e-mail me when a new message arrives"),
        default=True,
        help_text=_(
            "The e-mail only says that a message is waiting, with a link. It never contains "
            "the message itself."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("staff"), default=False)
    date_joined = models.DateTimeField(_("date joined"), default=dj_timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    # Brute-force protection: see accounts.backends.EmailBackend.
    failed_logins = models.PositiveIntegerField(default=0, editable=False)
    locked_until = models.DateTimeField(null=True, blank=True, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name", "email"]
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    role__in=[
                        "patient",
                        "gp",
                        "therapist",
                        "org_admin",
                        "duty",
                        "moderator",
                        "forum_admin",
                        "relative",
                    ]  # fmt: skip
                ),
                name="user_role_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(
                    role__in=["gp", "therapist", "duty", "moderator", "forum_admin"]
                )
                | models.Q(organisation__isnull=False),
                name="clinician_has_organisation",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def clean(self):
        super().clean()
        self.email = self.email.lower()
        if self.role in self.ORGANISATION_ROLES and self.organisation_id is None:
            raise ValidationError({"organisation": _("A clinician belongs to an organisation.")})

    @property
    def is_patient(self) -> bool:
        return self.role == self.Role.PATIENT

    @property
    def is_clinician(self) -> bool:
        return self.role in self.CLINICAL_ROLES

    @property
    def is_duty(self) -> bool:
        return self.role == self.Role.DUTY

    @property
    def is_moderator(self) -> bool:
        """Moderates the forum: a moderator or a forum admin."""
        return self.role in self.FORUM_ROLES

    @property
    def is_relative(self) -> bool:
        return self.role == self.Role.RELATIVE

    @property
    def is_manager(self) -> bool:
        """The organisation's manager (the organisation admin role, in an organisation): the
        service report's aggregates, never a patient."""
        return self.role == self.Role.ORG_ADMIN and self.organisation_id is not None

    @property
    def is_forum_admin(self) -> bool:
        return self.role == self.Role.FORUM_ADMIN

    @property
    def is_care_staff(self) -> bool:
        """Reads patient data at work (GP, therapist, duty contact): second factor and idle
        time-out apply."""
        return self.role in self.ORGANISATION_ROLES

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class UserSession(AbstractBaseSession):
    """A signed-in session with the person it belongs to, so that their sessions are found by
    an index (a password change, a reset, a deactivation) instead of decoding every session.
    Stored by ``accounts.session_store``; Django's own session table is not used."""

    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.CASCADE, related_name="+", db_index=True
    )

    class Meta:
        verbose_name = _("session")

    @classmethod
    def get_session_store_class(cls):
        from accounts.session_store import SessionStore

        return SessionStore
