from django.core.management.base import BaseCommand

from music.services import recommendations


class Command(BaseCommand):
    help = ("Send playlists stuck in queued or building (beyond PLAYLIST_STUCK_AFTER_SECONDS) to the queue again; "
            "end those already tried STUCK_MAX_ATTEMPTS times as failed.")

    def handle(self, *args, **options):
        ids = recommendations.playlists_requeue_stuck()
        self.stdout.write(f"re-enqueued {len(ids)} playlist(s)" + (f": {', '.join(map(str, ids))}" if ids else ""))
