"""Load (or re-load) a programme content pack: ``manage.py load_programme content/packs/<slug>``."""

from django.core.management.base import BaseCommand, CommandError

from content.loader import PackInvalid, pack_load


class Command(BaseCommand):
    help = (
        "Load a programme from a content-pack folder. Safe to run again: content is updated in "
        "place and patients' progress and answers are kept. A pack with any problem changes "
        "nothing; every problem is listed with its file and line."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path", nargs="+", help="pack folder(s), e.g. content/packs/persistent-symptoms"
        )

    def handle(self, *args, **options):
        for path in options["path"]:
            try:
                report = pack_load(path)
            except PackInvalid as invalid:
                for error in invalid.errors:
                    self.stderr.write(str(error))
                raise CommandError(
                    f"{path}: {len(invalid.errors)} problem(s); nothing was changed."
                ) from None
            self.stdout.write(self.style.SUCCESS(str(report)))
