from django.core.management.base import BaseCommand

from music.services import imports_job


class Command(BaseCommand):
    help = ("Send import jobs stuck in queued or running (beyond IMPORT_STUCK_AFTER_SECONDS) to the queue again; "
            "end those already tried STUCK_MAX_ATTEMPTS times as failed, their upload deleted.")

    def handle(self, *args, **options):
        ids = imports_job.import_jobs_requeue_stuck()
        self.stdout.write(f"re-enqueued {len(ids)} import job(s)" + (f": {', '.join(map(str, ids))}" if ids else ""))
