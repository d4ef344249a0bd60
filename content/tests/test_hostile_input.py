"""Malformed and hostile bodies get a 4xx and change nothing; exports carry the patient's
programme records and nobody else's."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from care.privacy import workspace_export
from content.models import AnswerFeedback, Enrolment, ExerciseAnswer, PageProgress

BODIES = [
    [],
    [1, 2],
    None,
    "text",
    {"data": None},
    {"data": [1, 2]},
    {"data": {"situation": {"deep": {"deeper": ["x"]}}}},
    {"data": {"situation": "x"}, "submit": "maybe"},
    {"completed": "perhaps"},
    {"programme": "not-a-uuid"},
    {"programme": "00000000-0000-0000-0000-000000000000"},
    {"programme": None, "recommended_modules": "all"},
    {"text": ""},
    {"text": ["a"]},
]


@pytest.mark.parametrize("body", BODIES, ids=[repr(b)[:30] for b in BODIES])
def test_hostile_bodies_get_4xx_and_change_nothing(world, body):
    owner, gp = world.users["owner"], world.users["gp"]
    ws = world.workspace
    before = (
        Enrolment.objects.count(),
        PageProgress.objects.count(),
        list(ExerciseAnswer.objects.values_list("data", flat=True)),
        AnswerFeedback.objects.count(),
    )
    calls = [
        (owner, "put", reverse("api:answer-save", args=[ws.pk, world.objects["exercise"].pk])),
        (
            owner,
            "put",
            reverse("api:page-progress", args=[ws.pk, world.objects["programme_page"].pk]),
        ),
        (gp, "post", reverse("api:enrolment-create", args=[ws.pk])),
        (gp, "post", reverse("api:answer-feedback", args=[ws.pk, world.objects["answer"].pk])),
    ]
    api = APIClient()
    for user, method, url in calls:
        api.force_authenticate(user)
        response = getattr(api, method)(url, body, format="json")
        assert 400 <= response.status_code < 500, (url, body, response.status_code)
    after = (
        Enrolment.objects.count(),
        PageProgress.objects.count(),
        list(ExerciseAnswer.objects.values_list("data", flat=True)),
        AnswerFeedback.objects.count(),
    )
    assert after == before


def test_export_holds_the_owners_progress_answers_and_nobody_elses(world):
    exported = workspace_export(workspace=world.workspace)
    assert len(exported["content.Enrolment"]) == 1
    assert len(exported["content.PageProgress"]) == 1
    answers = exported["content.ExerciseAnswer"]
    assert len(answers) == 1 and "CANARY-OWNER" in str(answers)
    assert "CANARY-OTHER" not in str(exported)
