"""Demo data, live events after commit, and data-rights declarations for goals."""

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.management import call_command
from django.db import transaction

from care.privacy import workspace_export
from goals import selectors, services
from goals.models import Habit, Ladder, Proposal
from records.events import user_group

pytestmark = pytest.mark.django_db(transaction=True)


def test_demo_seed_is_idempotent_and_shows_every_part():
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Ladder.objects.count() == 2
    assert Proposal.objects.filter(status="open").count() == 1
    habit = Habit.objects.get(source_step__isnull=False)
    view = selectors.habit_view(habit=habit)
    assert view.chain.longest > 0
    summary = selectors.habit_summary_for_workspaces([habit.workspace_id])
    assert summary[habit.workspace_id].habits == 2


def _receive_all(layer, channel):
    received = []
    while True:
        try:
            message = async_to_sync(_receive_now)(layer, channel)
        except TimeoutError:
            return received
        received.append(message)


async def _receive_now(layer, channel):
    import asyncio

    return await asyncio.wait_for(layer.receive(channel), timeout=0.05)


def test_events_are_published_after_commit_with_ids_only(
    workspace, patient, in_memory_channel_layer
):
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(user_group(workspace.patient_id), channel)
    with transaction.atomic():
        ladder = services.ladder_create(
            workspace=workspace, by=patient, title="Secret title", why="Secret why"
        )
        assert _receive_all(layer, channel) == []  # nothing before commit
    events = _receive_all(layer, channel)
    assert [e["kind"] for e in events] == ["goals.ladder.created"]
    assert events[0]["section"] == "goals"
    assert events[0]["data"] == {"ladder": str(ladder.pk), "version": 1}
    assert "Secret" not in str(events)


def test_a_rolled_back_change_publishes_nothing(workspace, patient, in_memory_channel_layer):
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(user_group(workspace.patient_id), channel)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.ladder_create(workspace=workspace, by=patient, title="Gone")
        raise RuntimeError
    assert _receive_all(layer, channel) == []
    assert not Ladder.objects.exists()


def test_habit_events_belong_to_the_habits_section(workspace, patient, in_memory_channel_layer):
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(user_group(workspace.patient_id), channel)
    habit = services.habit_create(workspace=workspace, by=patient, name="Private habit")
    services.habit_check_set(habit=habit, by=patient, day=habit.start_date)
    events = _receive_all(layer, channel)
    assert {e["section"] for e in events} == {"habits"}
    assert "Private" not in str(events)


def test_export_holds_goals_and_habits(workspace, patient):
    ladder = services.ladder_create(workspace=workspace, by=patient, title="Mine to take")
    services.step_add(ladder=ladder, by=patient, description="My step")
    habit = services.habit_create(workspace=workspace, by=patient, name="My habit")
    services.habit_check_set(habit=habit, by=patient, day=habit.start_date)
    exported = workspace_export(workspace=workspace)
    assert exported["goals.Ladder"][0]["title"] == "Mine to take"
    assert exported["goals.Step"][0]["description"] == "My step"
    assert len(exported["goals.HabitCheck"]) == 1
    assert len(exported["goals.LadderChange"]) == 2
