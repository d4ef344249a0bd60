from datetime import timedelta

from django.utils import timezone

from care import courses, relatives, services
from care.models import DataExport, RelativeAccess


def extend_world(world) -> None:
    """The GP's cover, taken by the therapist, from tomorrow for three days (not started: the
    world's memberships stay as they are)."""
    gp, therapist = world.users["gp"], world.users["therapist"]
    first = timezone.localdate() + timedelta(days=1)
    world.objects["cover"] = services.cover_create(
        absent=gp, colleague=therapist, starts_on=first, ends_on=first + timedelta(days=2)
    )
    # A download prepared for the owner.
    world.objects["data_export"] = DataExport.objects.create(
        workspace=world.workspace,
        format="json",
        status=DataExport.Status.READY,
        content=b'{"exported_at": "now"}',
        ready_at=timezone.now(),
    )
    # The owner's open course of care (accepting the GP started it).
    world.objects["course"] = courses.open_course(world.workspace)
    # The relative persona: a current access to the owner's crisis plan and goal ladders.
    access = relatives.relative_invite(
        workspace=world.workspace,
        by=world.users["owner"],
        email=world.users["relative"].email,
        label="my sister",
        sections=["crisis_plan", "goals"],
    )
    world.objects["relative_access"] = relatives.relative_accept(
        access=access, user=world.users["relative"]
    )
    # Two more relatives of the owner: one whose end date has passed, one the owner stopped.
    for persona, end in (("relative_expired", True), ("relative_revoked", False)):
        other = relatives.relative_accept(
            access=relatives.relative_invite(
                workspace=world.workspace,
                by=world.users["owner"],
                email=world.users[persona].email,
                label=persona,
                sections=["crisis_plan", "goals", "habits", "checkins"],
            ),
            user=world.users[persona],
        )
        if end:
            RelativeAccess.objects.filter(pk=other.pk).update(
                expires_at=timezone.now() - timedelta(minutes=1)
            )
        else:
            relatives.relative_revoke(access=other, by=world.users["owner"])
