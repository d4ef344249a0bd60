"""Demo data: the programme pack loaded, prescribed by the demo GP to both demo patients, with
some progress and answers for the first. Idempotent: running it again changes nothing."""

from __future__ import annotations

from pathlib import Path

from content import selectors, services
from content.loader import pack_load
from content.models import Exercise, Page

PACK = Path(__file__).resolve().parent / "packs" / "persistent-symptoms"


def seed(*, users) -> None:
    programme = pack_load(PACK).programme
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
