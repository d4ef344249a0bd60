"""Start the covers that are due and end cover memberships past their end. Idempotent: safe
every few minutes. Production runs it in the ``scheduler`` loop of docker-compose.yml, before
the alert rules so that a colleague who has just started covering is escalated to at once.
Access itself stops at a cover's end without this job (care.policies); the job tidies up:
the membership is ended, its consent removed, the change audited and open sockets told.
"""

from django.core.management.base import BaseCommand

from care.services import covers_run


class Command(BaseCommand):
    help = "Start due covers and end expired cover memberships."

    def handle(self, *args, **options):
        report = covers_run()
        self.stdout.write(f"covers: started={report.started} ended={report.ended}")
