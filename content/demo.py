"""Demo data: the programme pack loaded, prescribed by the demo GP to both demo patients, with
some progress and answers for the first. Idempotent: running it again changes nothing."""

from __future__ import annotations

import random
from datetime import timedelta
from pathlib import Path

from django.utils import timezone

from care.models import Course
from content import selectors, services
from content.loader import pack_load
from content.models import Enrolment, Exercise, Page, PageProgress

PACK = Path(__file__).resolve().parent / "packs" / "persistent-symptoms"


def seed(*, users) -> None:
    programme = pack_load(PACK).programme
    _service_history(programme)
    gp = users["gp@example.org"]
    alex, sam = users["patient@example.org"], users["patient2@example.org"]
    for patient, note in (
        (alex, "As we discussed: one module a week is plenty. See you in a month."),
        (sam, "Have a look when you feel ready. There is no rush."),
    ):
        workspace = patient.workspace
        if selectors.enrolment_for(workspace, programme) is None:
            services.programme_prescribe(
                workspace=workspace,
                programme=programme,
                by=gp,
                note=note,
                recommended_modules=list(programme.modules.filter(slug="lifestyle")),
            )
    enrolment = selectors.enrolment_for(alex.workspace, programme)
    if enrolment.pages.exists():
        return
    for slug in ("your-symptoms-are-real", "the-bodys-alarm-systems", "the-symptom-cycle"):
        page = Page.objects.get(module__programme=programme, slug=slug)
        services.page_visit(enrolment=enrolment, page=page, by=alex)
        services.page_complete(enrolment=enrolment, page=page, by=alex)
    sleep = Page.objects.get(module__programme=programme, slug="sleep")
    services.page_visit(enrolment=enrolment, page=sleep, by=alex)
    services.answer_save(
        enrolment=enrolment,
        exercise=Exercise.objects.get(programme=programme, slug="my-symptom-cycle"),
        data={
            "situation": "A long day at work with lots of meetings.",
            "body": "Headache and a stiff neck by the afternoon.",
            "thoughts": "I worried it would ruin the whole evening.",
            "actions": "I cancelled dinner with a friend and lay down.",
            "break_point": "Take a short walk at lunch instead of working through.",
        },
        by=alex,
        submit=True,
        page=Page.objects.get(module__programme=programme, slug="the-symptom-cycle"),
    )


def _service_history(programme) -> None:
    """The programme progress of the service report's made-up people (``reports.demo``): most
    started the programme, and got more or less far. Written directly, with past dates."""
    courses = list(
        Course.objects.filter(workspace__patient__email__startswith="demo-person-")
        .exclude(workspace__enrolments__isnull=False)
        .select_related("workspace", "lead")
        .order_by("workspace__patient__email")
    )
    if not courses:
        return
    pages = list(
        Page.objects.filter(
            module__programme=programme, retired=False, module__retired=False
        ).order_by("module__position", "position")
    )
    pick = random.Random(7)  # noqa: S311 - made-up demo history, not a secret
    now = timezone.now()
    progress = []
    for n, course in enumerate(courses):
        enrolment = Enrolment.objects.create(
            workspace=course.workspace, programme=programme, prescribed_by=course.lead
        )
        done = 0 if n % 8 == 0 else pick.randint(1, len(pages))
        for index, page in enumerate(pages[:done]):
            when = min(course.started_at + timedelta(days=2 + 3 * index), now)
            progress.append(
                PageProgress(enrolment=enrolment, page=page, visited_at=when, completed_at=when)
            )
    PageProgress.objects.bulk_create(progress)
