"""Celery tasks: ids in, one service call, no logic. Only transient errors retry, with backoff."""

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError

from music.search import BackendUnavailable as SearchUnavailable
from music.services import imports_job, recommendations
from music.services import videos as video_services
from music.videos import BackendUnavailable as VideosUnavailable

RETRY = {"acks_late": True, "ignore_result": True, "retry_backoff": 5, "retry_backoff_max": 300, "max_retries": 6}
# A lost database connection (PostgreSQL restarting or failing over) is transient: the retry
# reconnects (cloudscendo/celery.py closes an unusable connection before each task). A row
# claimed before the loss stays in progress and is left to its sweeper. Every task retries it.
DATABASE_LOST = (OperationalError, InterfaceError)
# The sweepers are idempotent (compare-and-swap resets), so a retry is safe; the next beat sweeps anyway.
SWEEP = {**RETRY, "autoretry_for": DATABASE_LOST, "retry_backoff_max": 60}


def _playlist_give_up(task, exc, task_id, args, kwargs, einfo) -> None:
    # Retries exhausted, or an unexpected error: the listener sees a failed list with "Try again".
    recommendations.playlist_give_up(playlist_id=(args or [kwargs["playlist_id"]])[0])


def _import_give_up(task, exc, task_id, args, kwargs, einfo) -> None:
    # The job ends failed with what went wrong, and its upload is deleted.
    imports_job.import_job_give_up(job_id=(args or [kwargs["job_id"]])[0],
                                   message=f"{imports_job.GAVE_UP_MESSAGE} ({type(exc).__name__}: {exc})")


# Search failures never reach here: the build falls back to the local index (music.services.recommendations).
@shared_task(**RETRY, autoretry_for=DATABASE_LOST, on_failure=_playlist_give_up)
def playlist_build_task(playlist_id: int) -> None:
    recommendations.playlist_build(playlist_id=playlist_id)


@shared_task(**SWEEP)
def playlists_requeue_stuck_task() -> None:
    recommendations.playlists_requeue_stuck()


# Paced inside (music.services.videos, YOUTUBE_SEARCH_RATE), not by Celery's rate_limit: see there.
@shared_task(**RETRY, autoretry_for=(VideosUnavailable, *DATABASE_LOST))
def track_videos_resolve_task(track_ids: list[int]) -> None:
    video_services.videos_resolve_unknown(track_ids=track_ids)


@shared_task(**SWEEP)
def videos_requeue_lost_task() -> None:
    video_services.videos_requeue_lost()


@shared_task(**RETRY, autoretry_for=(VideosUnavailable, *DATABASE_LOST))
def videos_refresh_task() -> None:
    video_services.videos_refresh(limit=5000)


@shared_task(**RETRY, autoretry_for=(SearchUnavailable, *DATABASE_LOST))
def tracks_kendra_push_task(track_ids: list[int]) -> None:
    from music.services import kendra_sync  # boto3 loads only in a worker that pushes to Kendra

    kendra_sync.tracks_kendra_push(track_ids=track_ids)


@shared_task(acks_late=True, ignore_result=True, autoretry_for=DATABASE_LOST, retry_backoff=5, max_retries=6,
             time_limit=settings.IMPORT_TASK_TIME_LIMIT, soft_time_limit=settings.IMPORT_TASK_SOFT_TIME_LIMIT,
             on_failure=_import_give_up)
def import_job_run_task(job_id: int) -> None:
    imports_job.import_job_run(job_id=job_id)


@shared_task(**SWEEP)
def imports_requeue_stuck_task() -> None:
    imports_job.import_jobs_requeue_stuck()
