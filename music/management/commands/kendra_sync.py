"""python manage.py kendra_sync: declare the index's fields, push changed active songs, delete deactivated ones."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from music.search import BackendUnavailable, InputRejected
from music.services.kendra_sync import kendra_attributes_declare, tracks_kendra_push


class Command(BaseCommand):
    help = "Bring the Kendra index (KENDRA_INDEX_ID) in step with the catalogue."

    def handle(self, *args, **options):
        if not settings.KENDRA_INDEX_ID:
            raise CommandError("KENDRA_INDEX_ID is not set: there is no Kendra index to sync.")
        try:
            kendra_attributes_declare()
            summary = tracks_kendra_push()
        except (BackendUnavailable, InputRejected) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"pushed {summary.pushed}, deleted {summary.deleted}, failed {summary.failed}")
