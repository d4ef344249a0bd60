"""Demo conversation for `make run`: the first demo patient and their GP. Idempotent."""

from __future__ import annotations

import random
import uuid
from datetime import timedelta

from django.utils import timezone

from alerts.models import Alert
from care.models import CareTeamMembership
from messaging import services
from messaging.models import Message, ReplyAgreement, Thread

NAMESPACE = uuid.UUID("6f1d2a3c-0000-4000-8000-00000000d3e0")


def seed(*, users) -> None:
    _service_history()
    patient, gp = users.get("patient@example.org"), users.get("gp@example.org")
    if patient is None or gp is None:
        return
    workspace = patient.workspace
    thread = services.team_thread_for(workspace=workspace)
    services.agreement_set(
        workspace=workspace,
        clinician=gp,
        reply_within_working_days=2,
        office_hours="Monday to Thursday, 9:00 to 15:00",
    )
    lines = [
        (patient, "Hello, I tried the first pacing exercise. Walking for ten minutes went well."),
        (gp, "That is good to hear. How did you feel the next day?"),
    ]
    for index, (sender, body) in enumerate(lines):
        client_id = uuid.uuid5(NAMESPACE, f"demo-{index}")  # stable: reseeding stores nothing new
        services.message_send(thread=thread, sender=sender, body=body, client_id=client_id)


def _service_history() -> None:
    """Messages and reply-time agreements of the service report's made-up people
    (``reports.demo``), with a few replies that became overdue. Written directly, with past
    dates."""
    memberships = list(
        CareTeamMembership.objects.filter(
            workspace__patient__email__startswith="demo-person-",
            workspace__message_threads__isnull=True,
        )
        .select_related("workspace__patient", "clinician")
        .order_by("workspace__patient__email")
    )
    if not memberships:
        return
    pick = random.Random(11)  # noqa: S311 - made-up demo history, not a secret
    now = timezone.now()
    written, overdue = [], []
    for n, membership in enumerate(memberships):
        started = membership.started_at
        thread = Thread.objects.create(workspace=membership.workspace, kind=Thread.Kind.TEAM)
        for k in range(pick.randint(2, 9)):
            message = Message(
                thread=thread,
                sequence=k + 1,
                client_id=uuid.uuid4(),
                sender=membership.workspace.patient if k % 2 == 0 else membership.clinician,
                body="(demo message)",
            )
            written.append((message, min(started + timedelta(days=3 * (k + 1)), now)))
        if n % 2:
            ReplyAgreement.objects.create(membership=membership, reply_within_working_days=2)
            if n % 10 == 1:
                late = started + timedelta(days=pick.randint(5, 40))
                overdue.append(
                    Alert(
                        workspace=membership.workspace,
                        membership=membership,
                        kind="reply_overdue",
                        severity="routine",
                        status="resolved",
                        opened_at=late,
                        acknowledged_at=late + timedelta(hours=1),
                        acknowledged_by=membership.clinician,
                        resolved_at=late + timedelta(hours=5),
                        resolved_by=membership.clinician,
                    )
                )
    messages = Message.objects.bulk_create([message for message, _when in written])
    for message, (_unsaved, when) in zip(messages, written, strict=True):
        message.created_at = when
    Message.objects.bulk_update(messages, ["created_at"])
    alerts = Alert.objects.bulk_create(overdue)
    for alert in alerts:
        alert.created_at = alert.opened_at
    Alert.objects.bulk_update(alerts, ["created_at"])
