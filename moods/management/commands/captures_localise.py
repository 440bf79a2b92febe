from django.conf import settings
from django.core.management.base import BaseCommand

from moods import services


class Command(BaseCommand):
    help = ("Recompute the local date, weekday and hour of every capture in TIME_ZONE. "
            "Run it once after changing TIME_ZONE, so that the history's days and heatmap follow the new zone.")

    def handle(self, *args, **options):
        changed = services.captures_localise()
        self.stdout.write(f"{changed} capture(s) moved to {settings.TIME_ZONE} local time")
