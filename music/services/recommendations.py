"""Build and rebuild a capture's song list, and record what the listener thinks of each song."""

import dataclasses
import datetime
import logging
from collections.abc import Callable

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import Player
from cloudscendo.commit import on_commit_robust
from moods.models import MoodCapture
from music import selectors
from music.models import Playlist, Recommendation, Track
from music.ranking import Pick, picks_ordered
from music.search import BackendUnavailable, SearchQuery, get_search
from music.services import enqueue, sweeper

logger = logging.getLogger(__name__)

Status = Playlist.Status
ACTIVE = (Status.QUEUED, Status.BUILDING)
GAVE_UP_MESSAGE = "We could not build this list just now. Please try again."


def capture_first_list(*, capture: MoodCapture) -> Callable[[], None]:
    """Rank the first song list of a capture about to be marked done (reads only); return the function that
    stores it, which the moods app calls inside the transaction that marks the capture done.

    So a capture is never seen done without its list, and the list costs no second task. A ranking that
    fails on anything but a lost database (which the caller's task retries) stores a failed list instead,
    which the listener can retry: the reading is kept either way.
    """
    now = timezone.now()
    playlist = Playlist(capture=capture, user_id=capture.user_id, emotion=capture.emotion, strategy=capture.strategy,
                        status=Status.READY, source=Playlist.Source.FEATURES, attempts=1, started_at=now)
    felt = capture.source == MoodCapture.Source.MANUAL
    request = selectors.ListRequest(emotion=capture.emotion, strategy=capture.strategy, user_id=capture.user_id,
                                    why="close to how you feel" if felt else "close to how you look")
    try:
        picks = selectors.recommendations_compute(request)
    except DatabaseError:
        raise
    except Exception:  # any other failure is a bug in ranking: it must not lose the reading
        logger.exception("first list of capture %s: ranking failed, stored as failed", capture.id)
        playlist.status, playlist.error, picks = Status.FAILED, GAVE_UP_MESSAGE, []

    def store() -> None:
        playlist.save(force_insert=True)  # the capture has its id by now (a manual one is created just before)
        Recommendation.objects.bulk_create(
            Recommendation(playlist=playlist, capture_id=playlist.capture_id, user_id=playlist.user_id,
                           track_id=pick.candidate.id, rank=rank, score=pick.score, reason=pick.reason[:200])
            for rank, pick in enumerate(picks, start=1))
        if picks:
            prefer_youtube = capture.user.player == Player.YOUTUBE
            on_commit_robust(_videos_enqueue, [pick.candidate.id for pick in picks], prefer_youtube)

    return store


def capture_recommendations_enqueue(*, capture_id: int) -> None:
    """Queue the first song list of a finished capture that has none (a capture made before lists were built
    with the reading), unless the songs page already asked for it."""
    capture = MoodCapture.objects.get(id=capture_id)
    if capture.status == MoodCapture.Status.DONE and capture.emotion:
        capture_playlist_ensure(capture=capture)


def capture_recommendations_correct(*, capture_id: int) -> None:
    """Queue a new song list for the emotion the listener said instead (the moods app calls this)."""
    capture = MoodCapture.objects.get(id=capture_id)
    current = selectors.playlist_current(capture_id=capture.id)
    if capture.correction:
        playlist_create(capture=capture, strategy=current.strategy if current else capture.strategy)


def playlist_create(*, capture: MoodCapture, strategy: str, query: str = "", seed_track: Track | None = None,
                    fresh: bool = False) -> Playlist:
    """Create a queued playlist for a capture (for its correction, if the listener made one); build after commit."""
    playlist = Playlist.objects.create(capture=capture, user_id=capture.user_id,
                                       emotion=capture.correction or capture.emotion,
                                       strategy=strategy, query=query[:200], seed_track=seed_track, fresh=fresh)
    enqueue.playlist_build_enqueue(playlist_id=playlist.id)
    return playlist


def playlist_retry(*, capture: MoodCapture) -> Playlist | None:
    """Queue the capture's failed current list again as a new playlist with the same request; None if not failed."""
    failed = selectors.playlist_current(capture_id=capture.id)
    if failed is None or failed.status != Status.FAILED:
        return None
    return playlist_create(capture=capture, strategy=failed.strategy, query=failed.query,
                           seed_track=failed.seed_track, fresh=failed.fresh)


def capture_playlist_ensure(*, capture: MoodCapture) -> Playlist:
    """Return the capture's newest playlist, creating the first one if the capture has none yet."""
    if current := selectors.playlist_current(capture_id=capture.id):
        return current
    # The analysis' done hook and the songs page (which may see "done" first) both get here: without
    # a lock 8 of 850 captures under load got two lists. An empty write to the capture's row locks it
    # until commit on PostgreSQL and SQLite alike (SQLite ignores SELECT ... FOR UPDATE), so the second
    # caller waits, then finds the list the first one made.
    with transaction.atomic():
        MoodCapture.objects.filter(id=capture.id).update(id=F("id"))
        return selectors.playlist_current(capture_id=capture.id) or playlist_create(
            capture=capture, strategy=capture.strategy)


def _excluded_tracks(playlist: Playlist, earlier: frozenset[int]) -> frozenset[int]:
    # "New songs" leaves out every song this capture has had; "more like this" the list it came from.
    if playlist.fresh:
        source = earlier
    elif playlist.seed_track_id:
        source = {max(earlier)} if earlier else set()
    else:
        return frozenset()
    return frozenset(Recommendation.objects.filter(playlist_id__in=source).values_list("track_id", flat=True))


def _request(playlist: Playlist) -> selectors.ListRequest:
    others = Playlist.objects.filter(capture_id=playlist.capture_id, id__lt=playlist.id)
    earlier = frozenset(others.values_list("id", flat=True))
    felt = playlist.capture.source == MoodCapture.Source.MANUAL
    # A strategy switch or a search may bring back this capture's songs; "new songs" may not.
    return selectors.ListRequest(emotion=playlist.emotion, strategy=playlist.strategy, user_id=playlist.user_id,
                                 seed=playlist.seed_track, exclude=_excluded_tracks(playlist, earlier),
                                 keep_playlist_ids=frozenset() if playlist.fresh else earlier,
                                 why="close to how you feel" if felt else "close to how you look")


def _search_picks(playlist: Playlist, request: selectors.ListRequest) -> tuple[list[Pick], str]:
    # Only the listener's own words: mood words added here would make any wish "match".
    query = SearchQuery(text=playlist.query, limit=60)
    source = get_search().name
    try:
        hits = get_search().search(query)
    except BackendUnavailable:
        hits, source = get_search("local").search(query), Playlist.Source.LOCAL_FALLBACK
    excluded, _ = selectors.listener_history(request)
    tracks = Track.objects.in_bulk([hit.track_id for hit in hits if hit.track_id not in excluded])
    ranked = [(selectors.track_candidate(tracks[hit.track_id]), hit.score) for hit in hits
              if hit.track_id in tracks and tracks[hit.track_id].active]
    picks = picks_ordered(ranked, size=selectors.LIST_SIZE, why=f"matches “{playlist.query}”")
    return picks, source


def _search_note(playlist: Playlist, picks: list[Pick]) -> str:
    if not playlist.query or picks:
        return ""
    label = MoodCapture(emotion=playlist.emotion).get_emotion_display()
    return f"Nothing matched “{playlist.query}”; here are songs for {label}."


def _fill(picks: list[Pick], request: selectors.ListRequest) -> list[Pick]:
    if len(picks) >= selectors.LIST_SIZE:
        return picks
    chosen = {pick.candidate.id for pick in picks}
    more = selectors.recommendations_compute(dataclasses.replace(request, exclude=request.exclude | chosen))
    return picks + more[: selectors.LIST_SIZE - len(picks)]


def playlist_build(*, playlist_id: int) -> None:
    """Claim a queued playlist, rank its songs and store them all at once; a playlist not queued is left alone."""
    if not _claim(playlist_id):
        return
    playlist = Playlist.objects.select_related("seed_track", "capture", "user").filter(id=playlist_id).first()
    if playlist is None:  # its capture was deleted since the claim: nothing to build
        return
    request = _request(playlist)
    picks, source = (_search_picks(playlist, request) if playlist.query
                     else (selectors.recommendations_compute(request), Playlist.Source.FEATURES))
    note = _search_note(playlist, picks)
    picks = _fill(picks, request)
    # One transaction: the list shows all its songs or, still building, none. The capture's row
    # lock orders it against the capture's deletion (moods.services.capture_delete): a capture
    # deleted meanwhile ends the build quietly, with nothing stored.
    with transaction.atomic():
        if not MoodCapture.objects.select_for_update().filter(id=playlist.capture_id).exists():
            return
        if not Playlist.objects.filter(id=playlist_id, status=Status.BUILDING).update(
                status=Status.READY, source=source, note=note):
            return
        Recommendation.objects.bulk_create(
            Recommendation(playlist=playlist, capture_id=playlist.capture_id, user_id=playlist.user_id,
                           track_id=pick.candidate.id, rank=rank, score=pick.score, reason=pick.reason[:200])
            for rank, pick in enumerate(picks, start=1))
    _videos_enqueue([pick.candidate.id for pick in picks], playlist.user.player == Player.YOUTUBE)


def _claim(playlist_id: int) -> bool:
    # Compare-and-swap: of two deliveries of the same build only one gets 1. A playlist left
    # building by a worker that died is the sweeper's (playlists_requeue_stuck), not a redelivery's.
    return Playlist.objects.filter(id=playlist_id, status=Status.QUEUED).update(
        status=Status.BUILDING, started_at=timezone.now(), attempts=F("attempts") + 1) == 1


def playlist_fail(*, playlist_id: int, message: str) -> bool:
    """End a queued or building playlist as failed with a message for the listener; return whether it changed."""
    return Playlist.objects.filter(id=playlist_id, status__in=ACTIVE).update(
        status=Status.FAILED, error=message[:300]) == 1


def playlist_give_up(*, playlist_id: int) -> bool:
    """End a playlist whose build ran out of retries or crashed; return whether it changed."""
    return playlist_fail(playlist_id=playlist_id, message=GAVE_UP_MESSAGE)


def playlists_requeue_stuck(*, now: datetime.datetime | None = None) -> list[int]:
    """Send stuck playlists to the queue again (building ones reset first); return their ids.

    A playlist already claimed STUCK_MAX_ATTEMPTS times ends as failed instead of going round again.
    """
    return sweeper.rows_requeue_stuck(
        model=Playlist, in_progress=Status.BUILDING, after_seconds=settings.PLAYLIST_STUCK_AFTER_SECONDS,
        give_up=lambda playlist_id: playlist_give_up(playlist_id=playlist_id),
        enqueue=lambda playlist_id: enqueue.playlist_build_enqueue(playlist_id=playlist_id), now=now)


def _videos_enqueue(track_ids: list[int], prefer_youtube: bool) -> None:
    from music.services.videos import tracks_videos_enqueue

    tracks_videos_enqueue(track_ids=track_ids, prefer_youtube=prefer_youtube)


class SongLeftTheList(Exception):
    """A disliked song has left its list (and was replaced): its feedback can no longer change."""


@dataclasses.dataclass(frozen=True)
class FeedbackResult:
    song: Recommendation
    replacement: Recommendation | None  # the song that took a disliked one's place


def recommendation_feedback_set(*, recommendation_id: int, user_id: int, feedback: str) -> FeedbackResult:
    """Record a like, dislike or skip; a dislike also replaces the song on its list.

    Raises Recommendation.DoesNotExist for a song not on the user's lists, and
    SongLeftTheList for a change of mind on a song already disliked.
    """
    with transaction.atomic():
        song = Recommendation.objects.select_for_update(of=("self",)).select_related("playlist", "user").get(
            id=recommendation_id, user_id=user_id)
        if song.feedback == Recommendation.Feedback.DISLIKE:
            if feedback != Recommendation.Feedback.DISLIKE:
                raise SongLeftTheList("This song was disliked and has left the list.")
            return FeedbackResult(song, None)
        song.feedback, song.feedback_at = feedback, timezone.now()
        song.save(update_fields=["feedback", "feedback_at"])
        replacement = _replace(song) if feedback == Recommendation.Feedback.DISLIKE else None
    if replacement:
        _videos_enqueue([replacement.track_id], song.user.player == Player.YOUTUBE)
    return FeedbackResult(song, replacement)


def _replace(song: Recommendation) -> Recommendation | None:
    playlist = song.playlist
    on_list = frozenset(Recommendation.objects.filter(playlist=playlist).values_list("track_id", flat=True))
    request = dataclasses.replace(_request(playlist), exclude=on_list, keep_playlist_ids=frozenset())
    steps = Recommendation.objects.filter(playlist=playlist).exclude(id=song.id).exclude(
        feedback=Recommendation.Feedback.DISLIKE).count() + 1
    picks = selectors.song_replacement(request, replaced=song.track, step=song.rank, steps=steps)
    if not picks:
        return None
    return Recommendation.objects.create(playlist=playlist, capture_id=song.capture_id, user_id=song.user_id,
                                         track_id=picks[0].candidate.id, rank=song.rank, score=picks[0].score,
                                         reason=picks[0].reason[:200])
