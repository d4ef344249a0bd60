"""Toolbox objects in the owner's workspace for the authorization matrix, each carrying the
owner's canary in its free text. A private check-in and an unshared journal entry hold a
second canary that not even the GP (who has every section shared) may ever see."""

from __future__ import annotations

from datetime import timedelta

from tests.world import OWNER_CANARY
from toolbox import services
from toolbox.models import CrisisKind

PRIVATE_CANARY = "CANARY-PRIVATE-9e41"


def extend_world(world) -> None:
    owner, gp = world.users["owner"], world.users["gp"]
    workspace = world.workspace
    today = services.local_today(owner)
    checkin, _ = services.checkin_save(
        workspace=workspace,
        by=owner,
        day=today,
        mood=3,
        symptoms=2,
        energy=3,
        sleep=4,
        note=f"Shared note {OWNER_CANARY}",
    )
    private, _ = services.checkin_save(
        workspace=workspace,
        by=owner,
        day=today - timedelta(days=1),
        mood=1,
        symptoms=5,
        energy=1,
        sleep=1,
        note=f"Private note {PRIVATE_CANARY}",
        private=True,
    )
    world.objects["checkin"] = checkin
    world.objects["private_checkin"] = private
    world.objects["crisis_item"] = services.crisis_item_add(
        workspace=workspace, by=owner, kind=CrisisKind.WARNING_SIGN, text=f"Sign {OWNER_CANARY}"
    )
    world.objects["crisis_suggestion"] = services.crisis_suggestion_create(
        workspace=workspace, by=gp, kind=CrisisKind.SELF_HELP, text="A short walk outside"
    )
    world.objects["network_contact"] = services.network_contact_save(
        workspace=workspace, by=owner, name=f"Aunt {OWNER_CANARY}", kind="family", closeness=1
    )
    world.objects["journal_entry"] = services.journal_entry_save(
        workspace=workspace,
        by=owner,
        title="Shared",
        body=f"Shared entry {OWNER_CANARY}",
        shared=True,
    )
    world.objects["private_journal_entry"] = services.journal_entry_save(
        workspace=workspace, by=owner, title="Mine", body=f"Private entry {PRIVATE_CANARY}"
    )
