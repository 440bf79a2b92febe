"""The one module of the music app that sends tasks: each send after commit, and a broker outage logged, not raised.

A row whose send is lost stays queued, and its sweeper (requeue_stuck_playlists,
requeue_stuck_imports) sends it again; a lost video look-up is sent again by videos_requeue_lost (beat).
"""

import logging

from kombu.exceptions import OperationalError

from cloudscendo.commit import on_commit_robust

logger = logging.getLogger(__name__)


def _send(task, *args) -> None:
    try:
        task.delay(*args)
    except OperationalError:
        logger.warning("broker unreachable: %s%r not sent, left to its sweeper", task.name, args, exc_info=True)


def _on_commit(task_name: str, *args) -> None:
    from music import tasks  # the tasks module imports the services, which import this one

    on_commit_robust(_send, getattr(tasks, task_name), *args)


def playlist_build_enqueue(*, playlist_id: int) -> None:
    """Send a playlist's build once the current transaction commits."""
    _on_commit("playlist_build_task", playlist_id)


def import_job_enqueue(*, job_id: int) -> None:
    """Send an import job's run once the current transaction commits."""
    _on_commit("import_job_run_task", job_id)


def track_videos_enqueue(*, track_ids: list[int]) -> None:
    """Send one look-up task for these tracks' videos once the current transaction commits."""
    _on_commit("track_videos_resolve_task", track_ids)


def tracks_kendra_push_enqueue(*, track_ids: list[int]) -> None:
    """Send these tracks to Kendra after commit, 500 a task so one task stays well inside its time limit."""
    for start in range(0, len(track_ids), 500):
        _on_commit("tracks_kendra_push_task", track_ids[start:start + 500])
