"""Celery tasks: ids in, one service call, no logic. Transient backend errors retry with backoff."""

from celery import shared_task

from music import search, videos
from music.services import imports_job, recommendations
from music.services import videos as video_services

RETRY = {"acks_late": True, "retry_backoff": 5, "retry_backoff_max": 300, "max_retries": 6}


@shared_task(**RETRY, autoretry_for=(search.BackendUnavailable,))
def playlist_build_task(playlist_id: int) -> None:
    recommendations.playlist_build(playlist_id=playlist_id)


@shared_task(**RETRY, autoretry_for=(videos.BackendUnavailable,), rate_limit="2/s")
def track_videos_resolve_task(track_ids: list[int]) -> None:
    video_services.videos_resolve_unknown(track_ids=track_ids)


@shared_task(**RETRY, autoretry_for=(videos.BackendUnavailable,))
def videos_refresh_task() -> None:
    video_services.videos_refresh(limit=5000)


@shared_task(**RETRY, autoretry_for=(search.BackendUnavailable,))
def tracks_kendra_push_task(track_ids: list[int]) -> None:
    from music.services import kendra_sync  # boto3 loads only in a worker that pushes to Kendra

    kendra_sync.tracks_kendra_push(track_ids=track_ids)


@shared_task(acks_late=True, time_limit=1800, soft_time_limit=1700)
def import_job_run_task(job_id: int) -> None:
    imports_job.import_job_run(job_id=job_id)
