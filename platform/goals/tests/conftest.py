import pytest

from goals import services


@pytest.fixture
def ladder(workspace, patient):
    return services.ladder_create(
        workspace=workspace, by=patient, title="Walk to the shop", why="Being independent"
    )


@pytest.fixture
def steps(ladder, patient):
    return [
        services.step_add(ladder=ladder, by=patient, description=f"Step {i}", difficulty=i)
        for i in range(3)
    ]


@pytest.fixture
def unrated_steps(ladder, patient):
    """Steps without a difficulty: their order is the patient's own (move easier / harder)."""
    return [services.step_add(ladder=ladder, by=patient, description=f"Step {i}") for i in range(3)]


@pytest.fixture
def events(monkeypatch):
    """Workspace events as published (after commit), captured instead of sent."""
    sent = []
    monkeypatch.setattr(
        "goals.services.publish_workspace_event", lambda **event: sent.append(event)
    )
    return sent
