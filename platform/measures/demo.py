"""Demo data: a few weeks of PHQ-9, GAD-7 and WHO-5 scores for the first demo patient, their
schedules and three things that matter. Idempotent (skips a workspace that has responses)."""

from datetime import timedelta

from django.utils import timezone

from care import services as care
from measures import services
from measures.models import PersonalCheck, Response

# (weeks ago, PHQ-9 answers, GAD-7 answers, WHO-5 answers): slowly getting better.
HISTORY = [
    (8, [2, 2, 2, 3, 1, 2, 2, 1, 0], [2, 2, 3, 2, 1, 2, 1], [1, 1, 1, 0, 1]),
    (6, [2, 2, 1, 2, 1, 1, 2, 1, 0], [2, 2, 2, 2, 1, 1, 1], [2, 1, 1, 1, 2]),
    (4, [1, 1, 1, 2, 1, 1, 1, 0, 0], [1, 2, 1, 1, 1, 1, 1], [2, 2, 2, 1, 2]),
    (2, [1, 1, 1, 1, 0, 1, 1, 0, 0], [1, 1, 1, 1, 0, 1, 0], [3, 3, 2, 2, 3]),
]


def _answer(workspace, patient, instrument, values, when):
    response = services.response_start(workspace=workspace, instrument=instrument, by=patient)
    services.response_save_answers(
        response=response, answers=dict(enumerate(values, start=1)), by=patient
    )
    services.response_complete(response=response, by=patient)
    Response.objects.filter(pk=response.pk).update(
        created_at=when, completed_at=when, updated_at=when
    )


def seed(*, users) -> None:
    patient = users.get("patient@example.org")
    gp = users.get("gp@example.org")
    if patient is None or gp is None:
        return
    workspace = care.workspace_get_or_create(patient=patient)
    if Response.objects.filter(workspace=workspace).exists():
        return
    now = timezone.now()
    start = timezone.localdate() - timedelta(weeks=8)
    for instrument in ("phq9", "gad7"):
        services.schedule_set(
            workspace=workspace,
            instrument=instrument,
            starts_on=start,
            every_weeks=2,
            ends_on=start + timedelta(weeks=12),
            at_end=True,
            by=gp,
        )
    for weeks_ago, phq9, gad7, who5 in HISTORY:
        when = now - timedelta(weeks=weeks_ago)
        _answer(workspace, patient, "phq9", phq9, when)
        _answer(workspace, patient, "gad7", gad7, when)
        _answer(workspace, patient, "who5", who5, when)
    items = services.personal_items_set(
        workspace=workspace,
        texts=["Walk to the shop without stopping", "Sleep through the night", "See friends"],
        by=patient,
    )
    for weeks_ago, scores in ((6, [2, 3, 4]), (3, [4, 4, 5]), (1, [5, 6, 6])):
        check = services.personal_check_record(
            workspace=workspace,
            ratings={str(item.pk): score for item, score in zip(items, scores, strict=True)},
            by=patient,
        )
        when = now - timedelta(weeks=weeks_ago)
        PersonalCheck.objects.filter(pk=check.pk).update(created_at=when)
