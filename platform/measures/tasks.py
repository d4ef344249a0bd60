"""Due questionnaires as a periodic job (telling the patient is the reminders app's)."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from jobs.schedules import every
from measures import services


@every(seconds=900)
@task()
def plan_questionnaire_reminders() -> dict:
    return {"planned": services.reminders_plan(today=timezone.localdate()).scheduled}
