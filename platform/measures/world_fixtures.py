"""Objects in the owner's workspace for the authorization matrix."""

from measures import services


def extend_world(world) -> None:
    owner = world.users["owner"]
    response = services.response_start(workspace=world.workspace, instrument="gad7", by=owner)
    services.response_save_answers(response=response, answers={"1": 1}, by=owner)
    world.objects["measure_response"] = response
    world.objects["measure_schedule"] = services.schedule_set(
        workspace=world.workspace,
        instrument="phq9",
        starts_on=response.created_at.date(),
        every_weeks=4,
        by=world.users["gp"],
    )
