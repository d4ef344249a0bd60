"""A module's "try this week" step becomes a habit or a step on a goal ladder (issue 3 x 4)."""

import pytest
from django.urls import reverse

from goals import services as goals
from goals.models import Habit, Ladder, LadderChange, Step

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, patient):
    client.force_login(patient, backend="accounts.backends.EmailBackend")
    return client


@pytest.fixture
def module(programme):
    module = programme.modules.exclude(try_this_week="").order_by("position").first()
    assert module is not None
    return module


def _url(module):
    return reverse("patient:programme_try", args=[module.pk])


def test_the_box_on_the_last_page_of_a_module_offers_both_buttons(
    signed_in, module, workspace, patient
):
    goals.ladder_create(workspace=workspace, by=patient, title="Sleep better")
    last = module.pages.order_by("position").last()
    html = signed_in.get(reverse("patient:programme_page", args=[last.pk])).content.decode()
    assert f'action="{_url(module)}"' in html
    assert "Make it a habit" in html and "Add to a goal ladder" in html
    assert "Sleep better" in html and 'name="ladder"' in html


def test_make_it_a_habit(signed_in, module, workspace):
    response = signed_in.post(_url(module), {"action": "habit"})
    habit = Habit.objects.get(workspace=workspace)
    assert response.status_code == 302
    assert response["Location"] == reverse("patient:habit_detail", args=[habit.pk])
    assert module.try_this_week.startswith(habit.name.rstrip("…"))


def test_without_a_ladder_a_new_one_from_my_programme_is_made(signed_in, module, workspace):
    response = signed_in.post(_url(module), {"action": "ladder"})
    ladder = Ladder.objects.get(workspace=workspace)
    step = Step.objects.get(ladder=ladder)
    assert ladder.title == "From my programme"
    assert module.try_this_week.startswith(step.description.rstrip("…"))
    assert response["Location"].endswith(f"/{ladder.pk}/#step-{step.pk}")
    assert LadderChange.objects.filter(ladder=ladder, action="step.added").exists()


def test_added_to_a_chosen_ladder(signed_in, module, workspace, patient):
    ladder = goals.ladder_create(workspace=workspace, by=patient, title="Sleep better")
    signed_in.post(_url(module), {"action": "ladder", "ladder": str(ladder.pk)})
    assert Ladder.objects.filter(workspace=workspace).count() == 1
    assert ladder.steps.count() == 1


def test_someone_elses_ladder_or_bad_input_changes_nothing(
    signed_in, module, workspace, other_patient
):
    from care.services import workspace_get_or_create

    theirs = workspace_get_or_create(patient=other_patient)
    ladder = goals.ladder_create(workspace=theirs, by=other_patient, title="Theirs")
    response = signed_in.post(_url(module), {"action": "ladder", "ladder": str(ladder.pk)})
    assert response.status_code == 302
    response = signed_in.post(_url(module), {"action": "ladder", "ladder": "not-a-uuid"})
    assert response.status_code == 302
    assert signed_in.post(_url(module), {"action": "other"}).status_code == 400
    assert signed_in.get(_url(module)).status_code == 405
    assert not Step.objects.exists() and not Habit.objects.exists()
    assert Ladder.objects.filter(workspace=workspace).count() == 0
