"""factory_boy factories for the core models. Synthetic data only."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import factory
from django.utils import timezone

from accounts.models import Organisation, User
from care import services as care
from care.models import Workspace
from care.sections import Section

PASSWORD = "correct-horse-battery-7"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Practice {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    role = User.Role.PATIENT
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


class PatientFactory(UserFactory):
    role = User.Role.PATIENT


class GPFactory(UserFactory):
    role = User.Role.GP
    organisation = factory.SubFactory(OrganisationFactory, name="Test Practice")


class TherapistFactory(UserFactory):
    role = User.Role.THERAPIST
    organisation = factory.SubFactory(OrganisationFactory, name="Test Practice")


class DutyFactory(UserFactory):
    """The organisation's duty contact (an account with the duty role)."""

    role = User.Role.DUTY
    full_name = factory.Sequence(lambda n: f"Duty Contact {n}")
    organisation = factory.SubFactory(OrganisationFactory, name="Test Practice")


def workspace_for(patient: User) -> Workspace:
    return care.workspace_get_or_create(patient=patient)


def add_member(workspace: Workspace, clinician: User, sections=()):
    """An active care-team member with exactly ``sections`` shared."""
    membership = care.membership_invite(
        workspace=workspace, clinician=clinician, invited_by=clinician
    )
    return care.membership_accept(
        membership=membership, by=workspace.patient, sections=list(sections)
    )


ALL_SECTIONS = list(Section)


def local_today(user) -> date:
    """Today in ``user``'s own time zone (a cover's days, for instance, are the absent
    clinician's): not the server's UTC date, which differs for an hour or two each night."""
    return timezone.localdate(timezone=ZoneInfo(user.timezone))


class ModeratorFactory(UserFactory):
    """A forum moderator (docs/forum.md)."""

    role = User.Role.MODERATOR
    full_name = factory.Sequence(lambda n: f"Moderator {n}")
    organisation = factory.SubFactory(OrganisationFactory, name="Test Practice")


class RelativeFactory(UserFactory):
    """A relative or trusted person (docs/relatives.md): no organisation."""

    role = User.Role.RELATIVE
    full_name = factory.Sequence(lambda n: f"Relative {n}")
