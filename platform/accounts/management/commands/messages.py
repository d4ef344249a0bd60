"""``manage.py messages``: update the Danish and Norwegian catalogues from the code and compile
them (config/i18n.py). ``--compile-only`` skips the extraction (no gettext tools needed)."""

from django.core.management.base import BaseCommand

from config import i18n


class Command(BaseCommand):
    help = "Update the interface catalogues from the code, then compile them."

    def add_arguments(self, parser):
        parser.add_argument("--compile-only", action="store_true")

    def handle(self, *args, compile_only=False, **options):
        if not compile_only:
            i18n.extract()
        for path in i18n.compile_all():
            self.stdout.write(f"compiled {path}")
        for language in i18n.LANGUAGES:
            for domain in i18n.DOMAINS:
                missing = i18n.problems(language, domain)
                if missing:
                    self.stdout.write(f"{language}/{domain}: {len(missing)} to translate")
