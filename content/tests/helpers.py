"""Growing the loaded programme and a patient's records by N rows, for query-count tests."""

from content import services
from content.models import Exercise, Page


def grow(*, programme, enrolment, patient, n: int, start: int = 0) -> None:
    """Add n library exercises (each answered, submitted and a takeaway) and n pages to the
    first module (each visited and done), on top of the pack's own."""
    module = programme.modules.get(position=1)
    for i in range(start, start + n):
        exercise = Exercise.objects.create(
            programme=programme,
            slug=f"extra-{i}",
            title=f"Extra exercise {i}",
            fields=[
                {
                    "name": "note",
                    "type": "text",
                    "label": "Note",
                    "max_length": 100,
                    "takeaway": True,
                }
            ],
        )
        page = Page.objects.create(
            module=module,
            slug=f"extra-{i}",
            position=100 + i,
            title=f"Extra page {i}",
            blocks=[{"type": "exercise", "exercise": exercise.slug}],
        )
        services.page_complete(enrolment=enrolment, page=page, by=patient)
        services.answer_save(
            enrolment=enrolment,
            exercise=exercise,
            data={"note": f"answer {i}"},
            by=patient,
            submit=True,
            page=page,
        )
