"""The sweeper behind requeue_stuck_playlists and requeue_stuck_imports: rows a dead worker left behind."""

import datetime
from collections.abc import Callable

from django.conf import settings
from django.utils import timezone

from music import selectors
from music.models import ImportJob, Playlist


def rows_requeue_stuck(*, model: type[Playlist | ImportJob], in_progress: str, after_seconds: int,
                       give_up: Callable[[int], object], enqueue: Callable[[int], None],
                       now: datetime.datetime | None = None) -> list[int]:
    """Reset rows left `in_progress` past `after_seconds` to queued and send them, with the rows still queued;
    give up (instead) a row already claimed STUCK_MAX_ATTEMPTS times. Return the ids sent.

    Safe only while `after_seconds` exceeds the task's time limit (settings refuse less): by then
    no worker can still hold a row this resets.
    """
    cutoff = (now or timezone.now()) - datetime.timedelta(seconds=after_seconds)
    reset = []
    for row_id, attempts in selectors.rows_stuck_in_progress(model=model, status=in_progress, before=cutoff):
        if attempts >= settings.STUCK_MAX_ATTEMPTS:
            give_up(row_id)
        elif model.objects.filter(id=row_id, status=in_progress, started_at__lt=cutoff).update(
                status=model.Status.QUEUED) == 1:  # compare-and-swap: a row another sweep reset is left alone
            reset.append(row_id)
    ids = sorted({*selectors.rows_stuck_queued(model=model, before=cutoff), *reset})
    for row_id in ids:
        enqueue(row_id)
    return ids
