"""Demo workspaces and care teams: the demo patients accept the GP and the therapist, each
with the sections the other apps' demo content needs (goals and habits for the therapist's
proposals, measures for the GP), and the first patient's crisis plan shared with their sister.
Idempotent."""

from __future__ import annotations

from django.utils import timezone

from care import relatives, services
from care.models import CareTeamMembership, RelativeAccess
from care.sections import Section


def seed(*, users) -> None:
    gp, therapist = users.get("gp@example.org"), users.get("therapist@example.org")
    if gp is None or therapist is None:
        return
    plan = {
        "patient@example.org": [
            (gp, [Section.PROGRESS, Section.MEASURES, Section.HABITS, Section.CHECKINS]),
            (therapist, [Section.PROGRESS, Section.GOALS, Section.HABITS, Section.JOURNAL]),
        ],
        "patient2@example.org": [(gp, [Section.PROGRESS])],
    }
    for email, members in plan.items():
        patient = users.get(email)
        if patient is None:
            continue
        workspace = services.workspace_get_or_create(patient=patient)
        for clinician, sections in members:
            membership = services.membership_invite(
                workspace=workspace, clinician=clinician, invited_by=clinician
            )
            if membership.status == CareTeamMembership.Status.INVITED:
                services.membership_accept(membership=membership, by=patient, sections=sections)

    # The first demo patient shares their crisis plan with their sister (the demo relative).
    sister, patient = users.get("relative@example.org"), users.get("patient@example.org")
    if sister is not None and patient is not None:
        workspace = patient.workspace
        if not RelativeAccess.objects.filter(workspace=workspace, email=sister.email).exists():
            RelativeAccess.objects.create(
                workspace=workspace,
                relative=sister,
                email=sister.email,
                label="my sister",
                sections=["crisis_plan"],
                accepted_at=timezone.now(),
                expires_at=relatives.end_of(relatives.default_end()),
            )
