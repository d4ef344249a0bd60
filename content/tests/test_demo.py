from django.core.management import call_command

from content.models import Enrolment, ExerciseAnswer, PageProgress


def test_seed_demo_prescribes_the_programme_with_progress_and_is_idempotent(db, settings):
    settings.LOCAL = True
    call_command("seed_demo", stdout=None)
    call_command("seed_demo", stdout=None)
    # The two demo patients, and the service report's made-up history (reports.demo).
    demo = Enrolment.objects.exclude(workspace__patient__email__startswith="demo-person-")
    assert demo.count() == 2
    assert set(demo.values_list("prescribed_by__email", flat=True)) == {"gp@example.org"}
    assert Enrolment.objects.count() == 62
    assert PageProgress.objects.filter(completed_at__isnull=False, enrolment__in=demo).count() == 3
    assert ExerciseAnswer.objects.count() == 1
