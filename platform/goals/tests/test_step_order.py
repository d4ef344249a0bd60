"""A ladder reads easiest to hardest on every page and in the API, however its steps arrived:
added by the patient, accepted from a proposal, or edited to a new rating."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from goals import selectors, services
from goals.models import Step

pytestmark = pytest.mark.django_db
BACKEND = "accounts.backends.EmailBackend"

# Written out of order on purpose, then a new and an accepted step that belong in the middle.
FIRST = [5, 1, 8, 3, 6]
EXPECTED = ["d1", "d3", "d3 accepted", "d4 new", "d5", "d6", "d8", "unrated"]


@pytest.fixture
def ladder(workspace, patient, gp, gp_membership):
    ladder = services.ladder_create(workspace=workspace, by=patient, title="Swim")
    for difficulty in FIRST:
        services.step_add(
            ladder=ladder, by=patient, description=f"d{difficulty}", difficulty=difficulty
        )
    services.step_add(ladder=ladder, by=patient, description="unrated")
    services.step_add(ladder=ladder, by=patient, description="d4 new", difficulty=4)
    proposal = services.proposal_create(
        workspace=workspace,
        by=gp,
        kind="new_step",
        ladder=ladder,
        payload={"description": "d3 accepted", "difficulty": 3},
    )
    services.proposal_answer(proposal=proposal, by=patient, decision="accept")
    return ladder


def _order_on_page(html: str) -> list[str]:
    return re.findall(r"<h3>(d\d[^<]*|unrated)</h3>", html)


def test_the_selector_orders_by_difficulty_then_creation_with_unrated_last(ladder):
    assert [s.description for s in selectors.steps_for_ladder(ladder=ladder)] == EXPECTED
    (with_steps,) = selectors.ladders_for_workspace(workspace=ladder.workspace)
    assert [s.description for s in with_steps.steps.all()] == EXPECTED


def test_the_dashboards_ladders_come_with_their_steps_in_order_and_open_suggestions(
    ladder, patient, gp, django_assert_num_queries
):
    empty = services.ladder_create(workspace=ladder.workspace, by=patient, title="Empty")
    services.proposal_create(
        workspace=ladder.workspace, by=gp, kind="new_step", ladder=ladder,
        payload={"description": "one more", "difficulty": 2},
    )  # fmt: skip
    with django_assert_num_queries(1):
        ladders = selectors.ladders_with_waiting(workspace=ladder.workspace)
    assert [(one.pk, one.waiting) for one in ladders] == [(ladder.pk, 1), (empty.pk, 0)]
    assert [s.description for s in ladders[0].step_list] == EXPECTED
    assert ladders[1].step_list == []


def test_the_patients_goal_page_shows_the_ladder_easiest_first(client, patient, ladder):
    client.force_login(patient, backend=BACKEND)
    html = client.get(reverse("patient:goal_ladder", args=[ladder.pk])).content.decode()
    assert _order_on_page(html) == EXPECTED


def test_the_clinicians_goal_page_shows_the_ladder_easiest_first(client, gp, ladder):
    client.force_login(gp, backend=BACKEND)
    url = reverse("clinician:goal_ladder", args=[ladder.workspace.pk, ladder.pk])
    assert _order_on_page(client.get(url).content.decode()) == EXPECTED


def test_the_api_lists_steps_easiest_first(patient, ladder):
    api = APIClient()
    api.force_authenticate(patient)
    kwargs = {"workspace_id": ladder.workspace.pk, "ladder_id": ladder.pk}
    steps = api.get(reverse("api:goal-step-list", kwargs=kwargs)).json()
    assert [s["description"] for s in steps] == EXPECTED
    detail = api.get(reverse("api:goal-ladder-detail", kwargs=kwargs)).json()
    assert [s["description"] for s in detail["steps"]] == EXPECTED


def test_a_new_rating_moves_the_step_to_its_place(patient, ladder):
    step = Step.objects.get(ladder=ladder, description="d8")
    services.step_update(step=step, by=patient, version=step.version, difficulty=0)
    assert selectors.steps_for_ladder(ladder=ladder)[0].pk == step.pk


def test_moving_only_swaps_steps_rated_the_same(patient, ladder):
    steps = selectors.steps_for_ladder(ladder=ladder)
    first_three = steps[1], steps[2]  # both rated 3: the patient's own order decides
    assert (first_three[0].can_move_harder, first_three[1].can_move_easier) == (True, True)
    assert not steps[0].can_move_harder  # 1 then 3: the rating decides
    services.step_move(step=first_three[1], by=patient, direction="up")
    swapped = [s.description for s in selectors.steps_for_ladder(ladder=ladder)]
    assert swapped[1:3] == ["d3 accepted", "d3"]
    with pytest.raises(ValidationError):
        services.step_move(step=steps[0], by=patient, direction="down")
    assert [s.description for s in selectors.steps_for_ladder(ladder=ladder)] == swapped
