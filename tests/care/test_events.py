"""Publishing after commit: one hop into the event loop for every group, failures logged only."""

import logging
from pathlib import Path

import pytest
from asgiref.sync import async_to_sync
from channels.layers import channel_layers, get_channel_layer
from django.db import transaction

from records.events import publish_many, user_group

pytestmark = pytest.mark.django_db(transaction=True)

EVENT = {"type": "message.event", "kind": "created", "thread": "t", "sequence": 1}


def _subscribe(groups) -> dict[str, str]:
    layer = get_channel_layer()
    channels = {}
    for group in groups:
        channels[group] = async_to_sync(layer.new_channel)()
        async_to_sync(layer.group_add)(group, channels[group])
    return channels


def _pending(channel) -> list[dict]:
    """Everything waiting on a bare channel of the in-memory layer, without waiting."""
    layer = get_channel_layer()
    queue = layer.channels.get(channel)
    found = []
    while queue is not None and not queue.empty():
        found.append(async_to_sync(layer.receive)(channel))
    return found


def test_every_group_gets_the_event_once_after_commit(in_memory_channel_layer):
    groups = [user_group("a"), user_group("b")]
    channels = _subscribe(groups)
    with transaction.atomic():
        publish_many([*groups, groups[0]], EVENT)  # a repeated group is sent to once
        assert all(_pending(channel) == [] for channel in channels.values())  # not before commit
    for channel in channels.values():
        assert _pending(channel) == [EVENT]


def test_a_rolled_back_transaction_publishes_nothing(in_memory_channel_layer):
    channels = _subscribe([user_group("a")])
    with pytest.raises(RuntimeError), transaction.atomic():
        publish_many([user_group("a")], EVENT)
        raise RuntimeError("rolled back")
    assert _pending(channels[user_group("a")]) == []


def test_an_unreachable_layer_is_logged_and_never_breaks_the_commit(settings, caplog):
    # A real Redis client against a port where nothing listens: the layer fails for real.
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": ["redis://127.0.0.1:1/0"]},
        }
    }
    channel_layers.backends.clear()
    try:
        with caplog.at_level(logging.WARNING, logger="care.events"), transaction.atomic():
            publish_many([user_group("a"), user_group("b")], EVENT)
        assert "publish failed for event message.event (2 of 2 groups)" in caplog.text
        assert "thread" not in caplog.text.split("publish failed")[1]  # ids stay out of the log
    finally:
        channel_layers.backends.clear()


# --- workspace events: an explicit audience computed when publishing -------------------------


def _workspace_with_team():
    from care.sections import Section
    from tests.factories import (
        GPFactory,
        PatientFactory,
        TherapistFactory,
        add_member,
        workspace_for,
    )

    patient = PatientFactory()
    workspace = workspace_for(patient)
    sharing = GPFactory()
    not_sharing = TherapistFactory()
    add_member(workspace, sharing, [Section.GOALS])
    add_member(workspace, not_sharing, [Section.PROGRESS])
    return workspace, patient, sharing, not_sharing


def _workspace_event(workspace, section):
    from care.events import publish_workspace_event

    with transaction.atomic():
        publish_workspace_event(
            workspace_id=workspace.pk, kind="goals.ladder.created", section=section, data={}
        )


def test_a_section_event_reaches_the_patient_and_the_members_it_is_shared_with_only(
    in_memory_channel_layer,
):
    from tests.factories import GPFactory, PatientFactory

    workspace, patient, sharing, not_sharing = _workspace_with_team()
    outsider, other_patient = GPFactory(), PatientFactory()
    people = [patient, sharing, not_sharing, outsider, other_patient]
    channels = _subscribe([user_group(p.pk) for p in people])
    _workspace_event(workspace, "goals")
    got = {p: [e["kind"] for e in _pending(channels[user_group(p.pk)])] for p in people}
    assert got == {
        patient: ["goals.ladder.created"],
        sharing: ["goals.ladder.created"],
        not_sharing: [],
        outsider: [],
        other_patient: [],
    }


def test_a_safety_event_reaches_every_current_member(in_memory_channel_layer):
    workspace, patient, sharing, not_sharing = _workspace_with_team()
    channels = _subscribe([user_group(p.pk) for p in (patient, sharing, not_sharing)])
    _workspace_event(workspace, None)
    assert all(len(_pending(channel)) == 1 for channel in channels.values())


def test_a_member_whose_access_ends_in_the_same_transaction_is_not_told(in_memory_channel_layer):
    from care import services
    from care.models import CareTeamMembership

    workspace, patient, sharing, _not_sharing = _workspace_with_team()
    channels = _subscribe([user_group(sharing.pk)])
    membership = CareTeamMembership.objects.get(workspace=workspace, clinician=sharing)
    with transaction.atomic():
        from care.events import publish_workspace_event

        publish_workspace_event(
            workspace_id=workspace.pk, kind="goals.ladder.created", section="goals", data={}
        )
        services.membership_end(membership=membership, by=patient)
    kinds = [e.get("kind") for e in _pending(channels[user_group(sharing.pk)])]
    assert "goals.ladder.created" not in kinds


def test_a_deactivated_clinician_is_not_in_the_audience(in_memory_channel_layer):
    workspace, _patient, sharing, _not_sharing = _workspace_with_team()
    sharing.is_active = False
    sharing.save(update_fields=["is_active"])
    channels = _subscribe([user_group(sharing.pk)])
    _workspace_event(workspace, "goals")
    assert _pending(channels[user_group(sharing.pk)]) == []


def test_no_socket_follows_a_workspace_group():
    """Workspace events go to people, never to a broad group that consumers filter."""
    import care.events
    from messaging import consumers

    assert not hasattr(care.events, "workspace_group")
    assert "workspace." not in Path(consumers.__file__).read_text()
