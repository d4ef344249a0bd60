from datetime import timedelta

from django.utils import timezone

from care import services


def extend_world(world) -> None:
    """The GP's cover, taken by the therapist, from tomorrow for three days (not started: the
    world's memberships stay as they are)."""
    gp, therapist = world.users["gp"], world.users["therapist"]
    first = timezone.localdate() + timedelta(days=1)
    world.objects["cover"] = services.cover_create(
        absent=gp, colleague=therapist, starts_on=first, ends_on=first + timedelta(days=2)
    )
