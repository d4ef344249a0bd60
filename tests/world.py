"""The persona world every authorization test runs against.

Personas (QUALITY.md): the owner patient, another patient, a care-team clinician with every
section shared (``gp``), a care-team clinician with nothing shared (``therapist``), a clinician
whose membership was ended (``revoked``), an unrelated clinician in the same organisation
(``outsider``), one in another organisation (``foreign``), a deactivated member (``deactivated``),
a superuser (``staff``) and ``anonymous``. Every patient carries a unique canary string in every
free-text field so that a leak shows up in any response body.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from accounts.models import Organisation, User
from care import services as care
from care.models import CareTeamMembership, Workspace
from config.discovery import app_modules
from tests.factories import (
    ALL_SECTIONS,
    GPFactory,
    ModeratorFactory,
    PatientFactory,
    RelativeFactory,
    TherapistFactory,
    add_member,
    workspace_for,
)

PERSONAS = [
    "owner",
    "other_patient",
    "gp",
    "therapist",
    "revoked",
    "outsider",
    "foreign",
    "deactivated",
    "staff",
    "moderator",
    "forum_admin",
    "manager",
    "relative",
    "relative_expired",
    "relative_revoked",
    "anonymous",
]

OWNER_CANARY = "CANARY-OWNER-5b1e"
OTHER_CANARY = "CANARY-OTHER-c7d2"


@dataclass
class World:
    users: dict[str, User | None]
    workspace: Workspace
    other_workspace: Workspace
    gp_membership: CareTeamMembership
    therapist_membership: CareTeamMembership
    objects: dict[str, object] = field(default_factory=dict)

    def resolve(self, name: str):
        """A URL parameter by name: a model's primary key, or a literal for bad-input routes."""
        literals = {
            "bad_uid": "Tm9wZQ",
            "bad_token": "not-a-valid-token",
            "no_api_key": "gc_notakey000",
            "forum_space_slug": "general",  # forum/world_fixtures.py
        }
        if name in literals:
            return literals[name]
        obj = self.objects.get(name) or getattr(self, name)
        return obj.pk


def build_world() -> World:
    home = Organisation.objects.get_or_create(name="Test Practice")[0]
    elsewhere = Organisation.objects.get_or_create(name="Elsewhere Clinic")[0]
    owner = PatientFactory(full_name=f"Olive Owner {OWNER_CANARY}", email="owner@example.test")
    other = PatientFactory(full_name=f"Otto Other {OTHER_CANARY}", email="other@example.test")
    gp = GPFactory(organisation=home, email="gp@example.test", full_name="Dr Gail Practitioner")
    therapist = TherapistFactory(
        organisation=home, email="therapist@example.test", full_name="Theo Therapist"
    )
    revoked = GPFactory(organisation=home, email="revoked@example.test", full_name="Dr Rex Revoked")
    outsider = GPFactory(
        organisation=home, email="outsider@example.test", full_name="Dr Oona Outsider"
    )
    foreign = TherapistFactory(
        organisation=elsewhere, email="foreign@example.test", full_name="Fay Foreign"
    )
    deactivated = GPFactory(
        organisation=home, email="deactivated@example.test", full_name="Dr Dee Activated"
    )
    moderator = ModeratorFactory(
        organisation=home, email="moderator@example.test", full_name="Mo Moderator"
    )
    forum_admin = ModeratorFactory(
        organisation=home,
        email="forum-admin@example.test",
        full_name="Fran Forumadmin",
        role=User.Role.FORUM_ADMIN,
    )
    manager = ModeratorFactory(
        organisation=home,
        email="manager@example.test",
        full_name="Max Manager",
        role=User.Role.ORG_ADMIN,
    )
    relative = RelativeFactory(
        email="relative@example.test",
        full_name="Rae Relative",
    )
    relative_expired = RelativeFactory(email="expired@example.test", full_name="Ed Expired")
    relative_revoked = RelativeFactory(email="revoked-rel@example.test", full_name="Rob Revoked")
    staff = User.objects.create_superuser(
        email="staff@example.test", password="staff-pass-12345", full_name="Stella Staff"
    )

    workspace = workspace_for(owner)
    other_workspace = workspace_for(other)
    gp_membership = add_member(workspace, gp, ALL_SECTIONS)
    therapist_membership = add_member(workspace, therapist, [])
    revoked_membership = add_member(workspace, revoked, ALL_SECTIONS)
    care.membership_end(membership=revoked_membership, by=owner)
    add_member(workspace, deactivated, ALL_SECTIONS)
    deactivated.is_active = False
    deactivated.save(update_fields=["is_active"])
    # The outsider and the foreign clinician each look after the *other* patient.
    add_member(other_workspace, outsider, ALL_SECTIONS)
    add_member(other_workspace, foreign, ALL_SECTIONS)

    users = {
        "owner": owner,
        "other_patient": other,
        "gp": gp,
        "therapist": therapist,
        "revoked": revoked,
        "outsider": outsider,
        "foreign": foreign,
        "deactivated": deactivated,
        "staff": staff,
        "moderator": moderator,
        "forum_admin": forum_admin,
        "manager": manager,
        "relative": relative,
        "relative_expired": relative_expired,
        "relative_revoked": relative_revoked,
        "anonymous": None,
    }
    world = World(
        users=users,
        workspace=workspace,
        other_workspace=other_workspace,
        gp_membership=gp_membership,
        therapist_membership=therapist_membership,
    )
    # Each capability adds its own objects (a goal ladder, a thread ...) for the matrix to use,
    # from <app>/world_fixtures.py: extend_world(world) puts them in world.objects by name.
    for _app, module in app_modules("world_fixtures"):
        module.extend_world(world)
    return world
