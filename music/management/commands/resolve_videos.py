"""python manage.py resolve_videos [--limit N]: find YouTube videos for songs Spotify cannot play, refresh old ones."""

import sys

from django.core.management.base import BaseCommand
from django.utils import timezone
from tqdm import tqdm

from music.selectors import video_budget_left
from music.services.videos import video_pause_until, videos_resolve
from music.videos import get_videos, quota_reset_after


class Command(BaseCommand):
    help = ("Look up YouTube videos for active songs with no Spotify id (one search.list call each, of about "
            "100 a day) and refresh stale ones, within today's budget (YOUTUBE_SEARCH_DAILY_LIMIT).")

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=50, help="songs to look up (default 50)")

    def handle(self, *args, limit, **options):
        if not get_videos().resolves:
            self.stdout.write("VIDEO_BACKEND=offline: nothing is looked up; songs link to a YouTube search.")
            return
        with tqdm(total=limit, unit="songs", file=sys.stderr, leave=False) as bar:
            counts = videos_resolve(limit=limit, progress=lambda done, total: bar.update(done - bar.n))
        self.stdout.write(f"refreshed {counts['refreshed']}, found {counts['found']}, "
                          f"no video {counts['missing']}, not looked up {counts['left']}")
        left = video_budget_left()
        self.stdout.write(f"left of today's budget: {left['searches']} searches, {left['units']} units "
                          f"(renewed at {quota_reset_after(timezone.now()).isoformat()})")
        if until := video_pause_until():
            self.stdout.write(f"YouTube quota spent: no calls until {until.isoformat()}")
