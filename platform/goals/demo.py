"""Demo goal ladders, a proposal waiting for an answer, comments and habits with a chain.

Idempotent: nothing is added when the demo patient already has goals. The therapist has
"goals" and "habits" shared by the demo patient (see seed_demo), so they can propose.
"""

from __future__ import annotations

from datetime import timedelta

from care.models import Workspace
from goals import services
from goals.models import HabitCheck, Ladder


def seed(*, users) -> None:
    patient = users.get("patient@example.org")
    therapist = users.get("therapist@example.org")
    if patient is None or therapist is None:
        return
    workspace = Workspace.objects.filter(patient=patient).first()
    if workspace is None or Ladder.objects.filter(workspace=workspace).exists():
        return
    ladder = services.ladder_create(
        workspace=workspace,
        by=patient,
        title="Walk to the bakery on my own",
        why="Being able to get out of the house for small things again, and fresh bread on Sundays.",
    )
    steps = [
        ("Stand at the front door for two minutes", 1),
        ("Walk to the end of the street and back", 3),
        ("Walk halfway to the bakery with a friend", 5),
        ("Walk to the bakery with a friend", 6),
        ("Walk to the bakery alone and buy a loaf", 8),
    ]
    created = [
        services.step_add(ladder=ladder, by=patient, description=text, difficulty=difficulty)
        for text, difficulty in steps
    ]
    first = created[0]
    services.step_update(step=first, by=patient, version=first.version, state="done")
    first.refresh_from_db()
    services.step_update(
        step=first,
        by=patient,
        version=first.version,
        reflection="Easier than I thought. My heart raced for the first minute, then settled.",
    )
    second = created[1]
    services.step_update(step=second, by=patient, version=second.version, state="trying")
    services.proposal_create(
        workspace=workspace,
        by=therapist,
        kind="new_step",
        ladder=ladder,
        payload={"description": "Walk to the corner shop and look in the window", "difficulty": 4},
        note="A step between the street and halfway might make the jump smaller. What do you think?",
    )
    services.comment_add(
        ladder=ladder, by=therapist, body="Well done on the first step. Take the next at your pace."
    )
    services.comment_add(ladder=ladder, by=patient, body="Thank you. I'll try the street tomorrow.")

    services.ladder_create(
        workspace=workspace,
        by=patient,
        title="Sleep a bit better",
        why="More energy for my grandchildren.",
    )
    habit = services.step_to_habit(step=first, by=patient, schedule_kind="daily")
    breathing = services.habit_create(
        workspace=workspace,
        by=patient,
        name="Five minutes of calm breathing",
        schedule_kind="weekdays",
        weekdays=[0, 2, 4],
    )
    # A history: the habits began three weeks ago; most days marked, a few missed.
    today = services.local_today(patient)
    start = today - timedelta(days=20)
    for item in (habit, breathing):
        item.start_date = start
        item.save(update_fields=["start_date", "updated_at"])
    missed = {3, 10, 11, 16}
    HabitCheck.objects.bulk_create(
        [
            HabitCheck(habit=habit, day=start + timedelta(days=i))
            for i in range(20)
            if i not in missed
        ]
        + [
            HabitCheck(habit=breathing, day=start + timedelta(days=i))
            for i in range(21)
            if (start + timedelta(days=i)).weekday() in (0, 2, 4)
        ]
    )
