"""python manage.py load_default_catalogue [--force]: our starter songs and the Hit Predictor chart hits."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from music.importers import ImportRejected
from music.services.catalogue import catalogue_load
from music.services.catalogue_build import CATALOGUE_DIR


class Command(BaseCommand):
    help = ("Load fixtures/starter_tracks.csv and fixtures/catalogue/ (starter songs get Spotify ids and features "
            "where matched). Skips when nothing changed since the last load.")

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="compare every row even if the files are unchanged")
        parser.add_argument("--folder", type=Path, default=CATALOGUE_DIR, help=f"(default {CATALOGUE_DIR})")

    def handle(self, *args, force, folder, **options):
        try:
            result = catalogue_load(folder=folder, force=force)
        except ImportRejected as error:
            raise CommandError(f"{error}") from None
        self.stdout.write(result.text())
