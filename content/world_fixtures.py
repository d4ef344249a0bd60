"""Objects of the authorization matrix: the programme pack loaded, the owner enrolled with a
page done and a submitted answer carrying the owner's canary."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from types import SimpleNamespace

from content import services
from content.loader import pack_apply, pack_read
from content.models import Exercise, Page

PACK = Path(__file__).resolve().parent / "packs" / "persistent-symptoms"


@cache
def _spec():
    """Parsed once per test process; every world writes it to its fresh database."""
    return pack_read(PACK)


def extend_world(world) -> None:
    from tests.world import OTHER_CANARY, OWNER_CANARY

    programme = pack_apply(_spec()).programme
    owner, other = world.users["owner"], world.users["other_patient"]
    page = Page.objects.get(module__programme=programme, slug="the-symptom-cycle")
    exercise = Exercise.objects.get(programme=programme, slug="my-symptom-cycle")
    for patient, workspace, canary in (
        (owner, world.workspace, OWNER_CANARY),
        (other, world.other_workspace, OTHER_CANARY),
    ):
        enrolment = services.enrolment_start(workspace=workspace, programme=programme, by=patient)
        services.page_complete(enrolment=enrolment, page=page, by=patient)
        answer = services.answer_save(
            enrolment=enrolment,
            exercise=exercise,
            data={"situation": f"At the shops {canary}"},
            by=patient,
            submit=True,
            page=page,
        )
        if patient == owner:
            world.objects["enrolment"] = enrolment
            world.objects["answer"] = answer
    world.objects["programme"] = programme
    world.objects["programme_module"] = page.module
    world.objects["programme_page"] = page
    world.objects["exercise"] = exercise
    # The media route takes a file name, not an id: resolve() reads ``.pk``.
    world.objects["programme_media_name"] = SimpleNamespace(pk="body-alarm.svg")
