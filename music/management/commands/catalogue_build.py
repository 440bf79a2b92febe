"""python manage.py catalogue_build [--source DIR]: rebuild fixtures/catalogue/ from the Hit Predictor files."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from music.services.catalogue_build import CATALOGUE_DIR, SOURCE, catalogue_build


class Command(BaseCommand):
    help = "Rebuild fixtures/catalogue/ (the chart hits and the starter songs' matches) from the Hit Predictor CSVs."

    def add_arguments(self, parser):
        parser.add_argument("--source", type=Path, default=SOURCE, help=f"the six decade CSVs (default {SOURCE})")
        parser.add_argument("--target", type=Path, default=CATALOGUE_DIR, help=f"(default {CATALOGUE_DIR})")

    def handle(self, *args, source, target, **options):
        try:
            summary = catalogue_build(source=source, target=target)
        except OSError as error:
            raise CommandError(f"cannot read the source: {error}") from None
        self.stdout.write(summary.text())
