"""python manage.py resolve_videos [--limit N]: find YouTube videos for songs, refresh those older than 30 days."""

import sys

from django.core.management.base import BaseCommand
from tqdm import tqdm

from music.services.videos import video_pause_until, videos_resolve
from music.videos import get_videos


class Command(BaseCommand):
    help = "Look up YouTube videos for active songs (search.list: 100 quota units each) and refresh stale ones."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=50, help="songs to look up (default 50 = 5,000 units)")

    def handle(self, *args, limit, **options):
        if not get_videos().resolves:
            self.stdout.write("VIDEO_BACKEND=offline: nothing is looked up; songs link to a YouTube search.")
            return
        with tqdm(total=limit, unit="songs", file=sys.stderr, leave=False) as bar:
            counts = videos_resolve(limit=limit, progress=lambda done, total: bar.update(done - bar.n))
        self.stdout.write(f"refreshed {counts['refreshed']}, found {counts['found']}, "
                          f"no video {counts['missing']}, not looked up {counts['left']}")
        if until := video_pause_until():
            self.stdout.write(f"YouTube quota spent: no calls until {until.isoformat()}")
