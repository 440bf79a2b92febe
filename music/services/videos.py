"""Find and refresh tracks' YouTube videos, in tasks only, within a daily budget; no calls while the quota is spent."""

import datetime
from collections.abc import Callable, Iterable

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from accounts.models import Player
from cloudscendo import ratelimit
from music import selectors
from music.models import QuotaDay, QuotaPause, Track
from music.services import enqueue
from music.videos import BackendUnavailable, InputRejected, QuotaExceeded, get_videos, quota_day

PAUSE = "youtube"  # the name of the QuotaPause row and of the QuotaDay rows
# YouTube API Services Developer Policies III.E.4: API data is refreshed or deleted within 30 days.
REFRESH_AFTER = datetime.timedelta(days=30)
CHECK_BATCH = 50  # videos.list takes up to 50 ids for 1 unit
# https://developers.google.com/youtube/v3/determine_quota_cost now gives search.list its own bucket
# (100 calls a day, 1 each), but older copies of the page charge it 100 of the 10,000 units and the
# copies found show no date: charge both, so neither reading can overspend.
SEARCH_UNITS = 100
CHECK_UNITS = 1


def video_pause_until() -> datetime.datetime | None:
    """When YouTube may be called again, or None if it may be called now."""
    pause = QuotaPause.objects.filter(name=PAUSE, until__gt=timezone.now()).first()
    return pause.until if pause else None


def _pause(error: QuotaExceeded) -> None:
    QuotaPause.objects.update_or_create(name=PAUSE, defaults={"until": error.until, "reason": "quotaExceeded"})


def video_budget_spend(*, search_calls: int, units: int) -> bool:
    """Count a call against today's budget (Pacific day); return False, counting nothing, if it would go past it."""
    day = quota_day(timezone.now())
    QuotaDay.objects.get_or_create(name=PAUSE, day=day)
    # One conditional UPDATE: of two workers racing for the last call, the database lets one through.
    within = QuotaDay.objects.filter(name=PAUSE, day=day,
                                     search_calls__lte=settings.YOUTUBE_SEARCH_DAILY_LIMIT - search_calls,
                                     units__lte=settings.YOUTUBE_DAILY_UNITS - units)
    return within.update(search_calls=F("search_calls") + search_calls, units=F("units") + units) == 1


def tracks_videos_enqueue(*, track_ids: Iterable[int], prefer_youtube: bool) -> int:
    """Queue look-ups of never-looked-up tracks Spotify cannot play (any, if YouTube is preferred); return how many."""
    if not get_videos().resolves:
        return 0
    tracks = Track.objects.filter(id__in=list(track_ids), video_state=Track.VideoState.UNKNOWN)
    if not prefer_youtube:  # a song with a Spotify id already plays: keep the ~100 daily searches for the rest
        tracks = tracks.filter(spotify_id__isnull=True)
    ids = list(tracks.values_list("id", flat=True))
    if ids:
        enqueue.track_videos_enqueue(track_ids=ids)
    return len(ids)


# Look-ups sent when a list was built but lost (broker down): a list from the last day whose build
# started more than this long ago has had its look-ups run, unless their send was lost.
LOST_AFTER = datetime.timedelta(minutes=10)
LOST_WITHIN = datetime.timedelta(days=1)


def videos_requeue_lost(*, now: datetime.datetime | None = None) -> int:
    """The video look-ups' sweeper: queue again the look-ups of songs on recent lists never looked up; return how many.

    At most a day's search budget at a time; nothing while YouTube is paused.
    """
    now = now or timezone.now()
    if not get_videos().resolves or video_pause_until():
        return 0
    rows = selectors.tracks_video_lookups_lost(built_after=now - LOST_WITHIN, built_before=now - LOST_AFTER,
                                               limit=settings.YOUTUBE_SEARCH_DAILY_LIMIT)
    youtube = {track_id for track_id, player in rows if player == Player.YOUTUBE}
    others = {track_id for track_id, _ in rows} - youtube
    return (tracks_videos_enqueue(track_ids=sorted(youtube), prefer_youtube=True)
            + tracks_videos_enqueue(track_ids=sorted(others), prefer_youtube=False))


def tracks_videos_look_up_again(*, track_ids: Iterable[int]) -> int:
    """A curator's request: forget "no embeddable video" on these tracks and queue their look-ups; return how many."""
    ids = list(track_ids)
    Track.objects.filter(id__in=ids, video_state=Track.VideoState.MISSING).update(
        video_state=Track.VideoState.UNKNOWN)
    return tracks_videos_enqueue(track_ids=ids, prefer_youtube=True)  # a curator chose these songs


SEARCH_TURN_MAX_WAIT_SECONDS = 1.0  # a worker child sleeps at most this long for its turn


def _search_turn_wait() -> None:
    # Searches are paced by one bucket shared by every worker (YOUTUBE_SEARCH_RATE a second). This was
    # Celery's rate_limit on the task, which a worker obeys by holding the message: with acks_late and a
    # prefetch of one per child, held look-ups kept a worker that also takes the analysis queue (the
    # Procfile's) from starting the next analysis. A turn further than a short wait away is retried later.
    try:
        ratelimit.slot_take("youtube-search", rate=settings.YOUTUBE_SEARCH_RATE,
                            max_wait=SEARCH_TURN_MAX_WAIT_SECONDS)
    except (ratelimit.RateLimited, ratelimit.LimiterUnavailable) as error:
        raise BackendUnavailable(f"YouTube searches are paced ({error}).") from error


def track_video_resolve(*, track_id: int) -> str:
    """Look up one track's video unless done, paused or over today's budget; return its video state.

    Raises BackendUnavailable on a transient error (the task retries).
    """
    track = Track.objects.get(id=track_id)
    if track.video_state != Track.VideoState.UNKNOWN or not get_videos().resolves or video_pause_until():
        return track.video_state
    _search_turn_wait()
    if not video_budget_spend(search_calls=1, units=SEARCH_UNITS):
        return track.video_state  # the song keeps its search link; the budget renews at midnight Pacific
    try:
        video_id = get_videos().find(artist=track.artist, name=track.name)
    except QuotaExceeded as error:
        _pause(error)
        return track.video_state
    except InputRejected:
        video_id = None
    state = Track.VideoState.FOUND if video_id else Track.VideoState.MISSING
    Track.objects.filter(id=track_id, video_state=Track.VideoState.UNKNOWN).update(
        video_id=video_id or "", video_state=state, video_checked_at=timezone.now())
    return state


def videos_refresh(*, limit: int) -> int:
    """Re-check found videos older than 30 days in batches of 50; drop the gone ones; return how many checked."""
    stale = Track.objects.filter(video_state=Track.VideoState.FOUND,
                                 video_checked_at__lt=timezone.now() - REFRESH_AFTER)
    rows = list(stale.order_by("video_checked_at").values_list("id", "video_id")[:limit])
    for start in range(0, len(rows), CHECK_BATCH):
        if video_pause_until() or not video_budget_spend(search_calls=0, units=CHECK_UNITS):
            return start
        batch = rows[start:start + CHECK_BATCH]
        try:
            alive = get_videos().check([video_id for _, video_id in batch])
        except QuotaExceeded as error:
            _pause(error)
            return start
        gone = [track_id for track_id, video_id in batch if video_id not in alive]
        Track.objects.filter(id__in=[track_id for track_id, _ in batch]).exclude(id__in=gone).update(
            video_checked_at=timezone.now())
        Track.objects.filter(id__in=gone).update(video_id="", video_state=Track.VideoState.UNKNOWN,
                                                 video_checked_at=None)
    return len(rows)


def videos_resolve(*, limit: int, progress: Callable[[int, int], None] | None = None) -> dict:
    """Refresh stale videos, then look up unsearched active songs with no Spotify id, `limit` of each; return counts."""
    counts = {"refreshed": 0, "found": 0, "missing": 0, "left": 0}
    if not get_videos().resolves:
        return counts
    counts["refreshed"] = videos_refresh(limit=limit)
    # Only songs with no other player: a Spotify song is looked up when a listener who prefers YouTube gets it.
    ids = list(Track.objects.filter(active=True, video_state=Track.VideoState.UNKNOWN, cell__isnull=False,
                                    spotify_id__isnull=True)
               .order_by("-popularity", "id").values_list("id", flat=True)[:limit])
    for done, track_id in enumerate(ids, start=1):
        state = track_video_resolve(track_id=track_id)
        key = {"found": "found", "missing": "missing"}.get(state, "left")
        counts[key] += 1
        if progress:
            progress(done, len(ids))
    return counts


def videos_resolve_unknown(*, track_ids: Iterable[int]) -> None:
    """Look up each of the given tracks (the task's body); transient errors propagate for a retry."""
    for track_id in track_ids:
        track_video_resolve(track_id=track_id)

