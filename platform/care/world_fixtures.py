from datetime import timedelta

from django.utils import timezone

from care import courses, services


def extend_world(world) -> None:
    """The GP's cover, taken by the therapist, from tomorrow for three days (not started: the
    world's memberships stay as they are)."""
    gp, therapist = world.users["gp"], world.users["therapist"]
    first = timezone.localdate() + timedelta(days=1)
    world.objects["cover"] = services.cover_create(
        absent=gp, colleague=therapist, starts_on=first, ends_on=first + timedelta(days=2)
    )
    # The owner's open course of care (accepting the GP started it).
    world.objects["course"] = courses.open_course(world.workspace)
