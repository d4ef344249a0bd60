"""Objects in the owner's workspace for the authorization matrix (canaries in free text)."""

from goals import services
from tests.world import OWNER_CANARY, World


def extend_world(world: World) -> None:
    owner, gp = world.users["owner"], world.users["gp"]
    ladder = services.ladder_create(
        workspace=world.workspace, by=owner, title=f"Goal {OWNER_CANARY}", why=OWNER_CANARY
    )
    step = services.step_add(
        ladder=ladder, by=owner, description=f"Step {OWNER_CANARY}", difficulty=3
    )
    services.step_add(ladder=ladder, by=owner, description=f"Second step {OWNER_CANARY}")
    proposal = services.proposal_create(
        workspace=world.workspace,
        by=gp,
        kind="new_step",
        ladder=ladder,
        payload={"description": f"Proposed {OWNER_CANARY}"},
        note=OWNER_CANARY,
    )
    services.comment_add(ladder=ladder, by=owner, body=f"Comment {OWNER_CANARY}")
    habit = services.habit_create(workspace=world.workspace, by=owner, name=f"Habit {OWNER_CANARY}")
    services.habit_check_set(habit=habit, by=owner, day=habit.start_date)
    world.objects.update(
        {"ladder": ladder, "step": step, "goal_proposal": proposal, "habit": habit}
    )
