"""python manage.py load_starter_catalogue: our 314 starter songs; running it again changes nothing."""

from django.conf import settings
from django.core.management.base import BaseCommand

from music.services.imports import tracks_import

STARTER = settings.BASE_DIR / "fixtures" / "starter_tracks.csv"


class Command(BaseCommand):
    help = "Load fixtures/starter_tracks.csv (upserted by name and artist)."

    def handle(self, *args, **options):
        self.stdout.write(tracks_import(paths=[STARTER], format="starter").text())
