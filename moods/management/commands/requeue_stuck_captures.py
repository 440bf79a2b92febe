from django.core.management.base import BaseCommand

from moods import services


class Command(BaseCommand):
    help = "Send captures stuck in queued or analysing (beyond CAPTURE_STUCK_AFTER_SECONDS) to the queue again."

    def handle(self, *args, **options):
        ids = services.captures_requeue_stuck()
        self.stdout.write(f"re-enqueued {len(ids)} capture(s)" + (f": {', '.join(map(str, ids))}" if ids else ""))
