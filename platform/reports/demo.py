"""Demo data for the service report (`make run`): two teams, and sixty past and current courses
of care of made-up people (who cannot sign in), with PHQ-9 and GAD-7 pairs, risk alerts and
their acknowledgements, messages and guidance time, spread over the last thirteen months, so the
demo manager sees a real report. Idempotent (skips when the teams exist).

Rows are written directly, with their past dates: this is history, not something happening now
(no e-mail, no alert loop, no live event)."""

from __future__ import annotations

import random
import uuid
from datetime import timedelta

from django.utils import timezone

from accounts.models import Team, User
from alerts.models import Alert
from care.models import CareTeamMembership, Course, Invitation, Workspace
from guidance.models import GuidanceEntry
from measures.models import Response
from content.models import Enrolment, Page, PageProgress, Programme
from messaging.models import Message, ReplyAgreement, Thread

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
    programme = Programme.objects.filter(published=True).order_by("title").first()
    pages = (
        list(
            Page.objects.filter(module__programme=programme, retired=False, module__retired=False)
            .order_by("module__position", "position")
        )
        if programme
        else []
    )
    progress = []
    pick = random.Random(2026)  # noqa: S311 - made-up demo history, not a secret
    now = timezone.now()
    responses, alerts, entries, messages = [], [], [], []  # messages: (message, when)
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
        if pages:
            enrolment = Enrolment.objects.create(
                workspace=workspace, programme=programme, prescribed_by=lead
            )
            # Most start the programme; how far they get varies.
            done = 0 if n % 8 == 0 else pick.randint(1, len(pages))
            for index, page in enumerate(pages[:done]):
                when = min(started + timedelta(days=2 + 3 * index), now)
                progress.append(
                    PageProgress(
                        enrolment=enrolment, page=page, visited_at=when, completed_at=when
                    )
                )
        if n % 2:
            ReplyAgreement.objects.create(membership=membership, reply_within_working_days=2)
            if n % 10 == 1:
                late = started + timedelta(days=pick.randint(5, 40))
                alerts.append(
                    Alert(
                        workspace=workspace,
                        membership=membership,
                        kind="reply_overdue",
                        severity="routine",
                        status="resolved",
                        opened_at=late,
                        acknowledged_at=late + timedelta(hours=1),
                        acknowledged_by=lead,
                        resolved_at=late + timedelta(hours=5),
                        resolved_by=lead,
                    )
                )
        thread = Thread.objects.create(workspace=workspace, kind=Thread.Kind.TEAM)
        for k in range(pick.randint(2, 9)):
            when = min(started + timedelta(days=3 * (k + 1)), now)
            messages.append(
                (
                    Message(
                        thread=thread,
                        sequence=k + 1,
                        client_id=uuid.uuid4(),
                        sender=person if k % 2 == 0 else lead,
                        body="(demo message)",
                    ),
                    when,
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
    written = Message.objects.bulk_create([message for message, _when in messages])
    for message, (_unsaved, when) in zip(written, messages, strict=True):
        message.created_at = when
    Message.objects.bulk_update(written, ["created_at"])
    GuidanceEntry.objects.bulk_create(entries)
    PageProgress.objects.bulk_create(progress)
