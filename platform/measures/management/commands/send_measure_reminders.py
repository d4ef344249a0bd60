"""Send the e-mail reminders for questionnaires that are due. Idempotent: run it from cron as
often as you like (hourly is plenty); each due questionnaire gets at most one reminder."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from measures import services


class Command(BaseCommand):
    help = "Plan and send content-free reminders for due questionnaires (safe to repeat)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--base-url",
            default=getattr(settings, "SITE_URL", "") or "http://127.0.0.1:8000",
            help="The site's address, for the link in the e-mail.",
        )

    def handle(self, *args, **options):
        run = services.reminders_send(today=timezone.localdate(), base_url=options["base_url"])
        self.stdout.write(f"planned {run.scheduled}, sent {run.sent}")
