"""Plan the reminders for questionnaires that are due. Idempotent: each due questionnaire gets
one planned reminder, told at the patient's chosen time by the reminders job. The task engine
runs this every 15 minutes (measures/tasks.py); the command is for running it by hand."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from measures import services


class Command(BaseCommand):
    help = "Plan the content-free reminders for due questionnaires (safe to repeat)."

    def handle(self, *args, **options):
        run = services.reminders_plan(today=timezone.localdate())
        self.stdout.write(f"planned {run.scheduled}")
