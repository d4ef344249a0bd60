"""Demo conversation for `make run`: the first demo patient and their GP. Idempotent."""

from __future__ import annotations

import uuid

from messaging import services

NAMESPACE = uuid.UUID("6f1d2a3c-0000-4000-8000-00000000d3e0")


def seed(*, users) -> None:
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
