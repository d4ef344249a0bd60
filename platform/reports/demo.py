"""Demo data for the service report (`make run`): two teams, and sixty past and current courses
of care of made-up people (who cannot sign in: ``demo-person-NN@example.org``), with PHQ-9 and
GAD-7 pairs, risk alerts and their acknowledgements and guidance time, spread over the last
thirteen months, so the demo manager sees a real report. The feature domains add their part of
that history from their own demo (``content.demo``: programme progress; ``messaging.demo``:
messages and reply-time agreements). Idempotent (skips when the teams exist).

Rows are written directly, with their past dates: this is history, not something happening now
(no e-mail, no alert loop, no live event)."""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from accounts.models import Team, User
from alerts.models import Alert
from care.models import CareTeamMembership, Course, Invitation, Workspace
from guidance.models import GuidanceEntry
from measures.models import Response

PEOPLE = 60
# (start PHQ-9, GAD-7) -> (end PHQ-9, GAD-7), in proportions a service might see.
JOURNEYS = [
    ((18, 14), (6, 5)),  # reliable recovery
    ((16, 12), (7, 6)),
    ((20, 15), (12, 10)),  # reliable improvement, not recovered
    ((14, 11), (12, 10)),  # no reliable change
    ((11, 9), (18, 13)),  # reliable deterioration
    ((7, 6), (4, 3)),  # below caseness at the start
]


def _response(workspace, code, total, when):
    return Response(
        workspace=workspace,
        instrument=code,
        instrument_version="1",
        status=Response.Status.COMPLETED,
        total=total,
        completed_at=when,
    )


def seed(*, users) -> None:
    gp, therapist = users.get("gp@example.org"), users.get("therapist@example.org")
    if (
        gp is None
        or therapist is None
        or Team.objects.filter(organisation=gp.organisation).exists()
    ):
        return
    organisation = gp.organisation
    north = Team.objects.create(organisation=organisation, name="North team")
    south = Team.objects.create(organisation=organisation, name="South team")
    User.objects.filter(pk=gp.pk).update(team=north)
    User.objects.filter(pk=therapist.pk).update(team=south)
    gp.team, therapist.team = north, south
    # The demo patients' own course (accepting the demo GP opened it) belongs to the GP's team.
    Course.objects.filter(lead=gp).update(team=north)
    Course.objects.filter(lead=therapist).update(team=south)
    pick = random.Random(2026)  # noqa: S311 - made-up demo history, not a secret
    now = timezone.now()
    responses, alerts, entries = [], [], []
    for n in range(PEOPLE):
        lead = gp if n % 3 else therapist
        started = now - timedelta(days=pick.randint(20, 395))
        person = User.objects.create_user(
            email=f"demo-person-{n:02d}@example.org",
            full_name=f"Demo person {n:02d}",
            role=User.Role.PATIENT,
        )  # no password: cannot sign in
        workspace = Workspace.objects.create(patient=person)
        Invitation.objects.create(
            email=person.email,
            invited_by=lead,
            expires_at=started + timedelta(days=14),
            accepted_at=started,
            accepted_by=person,
        )
        Invitation.objects.filter(email=person.email).update(created_at=started - timedelta(days=2))
        length = pick.randint(45, 120)
        ended = started + timedelta(days=length)
        still_open = ended > now - timedelta(days=3)
        course = Course.objects.create(
            workspace=workspace,
            started_how=Course.StartedHow.PRESCRIBED,
            started_at=started,
            organisation=organisation,
            team=lead.team,
            lead=lead,
        )
        membership = CareTeamMembership.objects.create(
            workspace=workspace,
            clinician=lead,
            role=CareTeamMembership.Role.GP if lead == gp else CareTeamMembership.Role.THERAPIST,
            status=CareTeamMembership.Status.ACTIVE
            if still_open
            else CareTeamMembership.Status.ENDED,
            started_at=started,
            ended_at=None if still_open else ended,
            end_reason="" if still_open else CareTeamMembership.EndReason.COURSE_ENDED,
            lead=CareTeamMembership.Lead.PRESCRIBER,
        )
        if not still_open:
            by_patient = n % 11 == 0
            Course.objects.filter(pk=course.pk).update(
                status=Course.Status.ENDED,
                ended_at=ended,
                ended_how=Course.EndedHow.BY_PATIENT if by_patient else Course.EndedHow.DISCHARGED,
                ended_by=person if by_patient else lead,
                worked_on="" if by_patient else "Pacing, sleep and a plan for bad days.",
                next_steps=""
                if by_patient
                else "Keep the walks going; get in touch if sleep slips.",
            )
        (phq_start, gad_start), (phq_end, gad_end) = JOURNEYS[n % len(JOURNEYS)]
        responses += [
            _response(workspace, "phq9", phq_start, started + timedelta(days=1)),
            _response(workspace, "gad7", gad_start, started + timedelta(days=1, hours=1)),
        ]
        if not still_open and n % 7:  # some never filled in their last pair
            responses += [
                _response(workspace, "phq9", phq_end, ended - timedelta(days=2)),
                _response(workspace, "gad7", gad_end, ended - timedelta(days=2, hours=-1)),
            ]
        if n % 4 == 0:
            raised = started + timedelta(days=pick.randint(2, 30))
            alerts.append(
                Alert(
                    workspace=workspace,
                    kind="risk",
                    severity="urgent",
                    status="resolved",
                    opened_at=raised,
                    acknowledged_at=raised + timedelta(minutes=pick.randint(4, 180)),
                    acknowledged_by=lead,
                    resolved_at=raised + timedelta(hours=6),
                    resolved_by=lead,
                    escalation_level=1 if n % 12 == 0 else 0,
                    escalated_at=raised + timedelta(minutes=30) if n % 12 == 0 else None,
                )
            )
        for week in range(0, length // 7, 2):
            when = started + timedelta(days=7 * week + 1)
            if when < now:
                entries.append(
                    GuidanceEntry(
                        workspace=workspace,
                        membership=membership,
                        clinician=lead,
                        kind="message",
                        minutes=pick.randint(5, 25),
                        occurred_at=when,
                        last_activity_at=when,
                        source=f"demo:{n}:{week}",
                    )
                )
    Response.objects.bulk_create(responses)
    created = Alert.objects.bulk_create(alerts)
    for alert in created:  # the alert's own creation time is its opening time
        alert.created_at = alert.opened_at
    Alert.objects.bulk_update(created, ["created_at"])
    GuidanceEntry.objects.bulk_create(entries)
