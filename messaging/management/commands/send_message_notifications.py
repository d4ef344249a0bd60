"""Send the content-free "you have a new message" e-mails that are due. Idempotent: safe every
minute, and from two schedulers at once (each pending notice is claimed by one run).

Production runs it in the ``scheduler`` service's loop (docker-compose.yml); see
docs/messaging.md.
"""

from django.core.management.base import BaseCommand

from messaging.notifications import notifications_send_due


class Command(BaseCommand):
    help = "E-mail people who have new messages (a link, never the text), batched per person."

    def handle(self, *args, **options):
        run = notifications_send_due()
        self.stdout.write(
            f"message notifications: claimed={run.claimed} sent={run.sent} "
            f"already_read={run.already_read} not_wanted={run.not_wanted} failed={run.failed}"
        )
