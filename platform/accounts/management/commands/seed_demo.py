"""Demo data for a laptop: one organisation, two patients, a GP, a therapist, the
organisation's duty contact, a forum moderator and admin, the service's manager and a patient's sister. Idempotent.

The password is for the local demo only; the command refuses to run unless DEBUG, DEMO_MODE or
the test settings are on, so it can never plant a known password in production data.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import Organisation, User
from config.discovery import app_modules

DEMO_PASSWORD = "demo-pass-2026"
ORGANISATION = "Demo Health Centre"
PEOPLE = [
    ("patient@example.org", "Alex Morgan", User.Role.PATIENT),
    ("patient2@example.org", "Sam Larsen", User.Role.PATIENT),
    ("gp@example.org", "Dr Kim Jensen", User.Role.GP),
    ("therapist@example.org", "Robin Hansen", User.Role.THERAPIST),
    ("duty@example.org", "Duty desk, Demo Health Centre", User.Role.DUTY),
    ("moderator@example.org", "Forum moderator, Demo Health Centre", User.Role.MODERATOR),
    ("forum-admin@example.org", "Forum admin, Demo Health Centre", User.Role.FORUM_ADMIN),
    ("manager@example.org", "Service manager, Demo Health Centre", User.Role.ORG_ADMIN),
    ("relative@example.org", "Maja Morgan", User.Role.RELATIVE),
]


class Command(BaseCommand):
    help = "Create (or refresh) the demo organisation, users, workspaces and care teams."

    def handle(self, *args, **options):
        if not settings.LOCAL:
            raise CommandError(
                "seed_demo runs only with DEBUG or DEMO_MODE on (it sets known passwords)."
            )
        with transaction.atomic():
            org, _ = Organisation.objects.get_or_create(name=ORGANISATION)
            users = {}
            for email, name, role in PEOPLE:
                user = User.objects.filter(email=email).first()
                if user is None:
                    user = User.objects.create_user(
                        email=email,
                        password=DEMO_PASSWORD,
                        full_name=name,
                        role=role,
                        organisation=None
                        if role in (User.Role.PATIENT, User.Role.RELATIVE)
                        else org,
                    )
                users[email] = user
            # Each app adds its own demo content from <app>/demo.py: seed(users=...), in the
            # order of INSTALLED_APPS (care makes the workspaces and care teams first).
            for _app, module in app_modules("demo"):
                module.seed(users=users)
        self.stdout.write(
            self.style.SUCCESS(f"Demo data ready. Sign in at {settings.SITE_URL}/ with:")
        )
        for email, _name, role in PEOPLE:
            self.stdout.write(f"  {role:<10} {email:<24} password: {DEMO_PASSWORD}")
