"""Run the alert rules and escalate what is due. Idempotent: safe every few minutes.

Production runs it in a loop (the ``scheduler`` service of docker-compose.yml); see
docs/alerts.md.
"""

from django.core.management.base import BaseCommand

from alerts.rules import run_rules


class Command(BaseCommand):
    help = "Compute periodic alerts (inactivity, overdue reviews, contributed rules) and escalate."

    def handle(self, *args, **options):
        report = run_rules()
        self.stdout.write(
            f"alerts: proposed={report.proposed} raised={report.raised} "
            f"repeated={report.repeated} escalated={report.escalated} "
            f"failed={len(report.failed)}"
        )
