"""Build and rebuild a capture's song list, and record what the listener thinks of each song."""

import dataclasses
from functools import partial

from django.db import transaction
from django.utils import timezone

from moods.models import MoodCapture
from music import selectors
from music.affect import EMOTION_TARGETS
from music.models import Playlist, Recommendation, Track
from music.ranking import Candidate, Pick, picks_ordered
from music.search import BackendUnavailable, SearchQuery, get_search

ACTIVE = (Playlist.Status.QUEUED, Playlist.Status.BUILDING)


def capture_recommendations_enqueue(*, capture_id: int) -> None:
    """Queue the first song list of a finished capture (the moods app calls this when analysis is done)."""
    capture = MoodCapture.objects.get(id=capture_id)
    if capture.status == MoodCapture.Status.DONE and capture.emotion:
        playlist_create(capture=capture, strategy=capture.strategy)


def playlist_create(*, capture: MoodCapture, strategy: str, query: str = "", seed_track: Track | None = None,
                    fresh: bool = False) -> Playlist:
    """Create a queued playlist for a capture and enqueue its build after commit."""
    from music.tasks import playlist_build_task

    playlist = Playlist.objects.create(capture=capture, user_id=capture.user_id, emotion=capture.emotion,
                                       strategy=strategy, query=query[:200], seed_track=seed_track, fresh=fresh)
    transaction.on_commit(partial(playlist_build_task.delay, playlist.id), robust=True)
    return playlist


def capture_playlist_ensure(*, capture: MoodCapture) -> Playlist:
    """Return the capture's newest playlist, creating the first one if the capture has none yet."""
    return selectors.playlist_current(capture_id=capture.id) or playlist_create(
        capture=capture, strategy=capture.strategy)


def _request(playlist: Playlist) -> selectors.ListRequest:
    others = Playlist.objects.filter(capture_id=playlist.capture_id).exclude(id=playlist.id)
    earlier = frozenset(others.values_list("id", flat=True))
    exclude = frozenset(Recommendation.objects.filter(playlist_id__in=earlier).values_list("track_id", flat=True)) \
        if playlist.fresh else frozenset()
    # A strategy switch or a search may bring back this capture's songs; "new songs" may not.
    return selectors.ListRequest(emotion=playlist.emotion, strategy=playlist.strategy, user_id=playlist.user_id,
                                 seed=playlist.seed_track, exclude=exclude,
                                 keep_playlist_ids=frozenset() if playlist.fresh else earlier)


def _search_picks(playlist: Playlist, request: selectors.ListRequest) -> tuple[list[Pick], str]:
    target = EMOTION_TARGETS[playlist.emotion]
    query = SearchQuery(text=f"{playlist.query} {target.words}", moods=target.moods, limit=60)
    source = get_search().name
    try:
        hits = get_search().search(query)
    except BackendUnavailable:
        hits, source = get_search("local").search(query), Playlist.Source.LOCAL_FALLBACK
    excluded, _ = selectors.listener_history(request)
    tracks = Track.objects.in_bulk([hit.track_id for hit in hits if hit.track_id not in excluded])
    ranked = [(_candidate(tracks[hit.track_id]), hit.score) for hit in hits
              if hit.track_id in tracks and tracks[hit.track_id].active]
    picks = picks_ordered(ranked, size=selectors.LIST_SIZE, why=f"matches “{playlist.query}”")
    return picks, source


def _candidate(track: Track) -> Candidate:
    return Candidate(track.id, track.pos_valence, track.pos_energy, track.popularity, track.mood, track.artist,
                     track.has_features)


def _fill(picks: list[Pick], request: selectors.ListRequest) -> list[Pick]:
    if len(picks) >= selectors.LIST_SIZE:
        return picks
    chosen = {pick.candidate.id for pick in picks}
    more = selectors.recommendations_compute(dataclasses.replace(request, exclude=request.exclude | chosen))
    return picks + more[: selectors.LIST_SIZE - len(picks)]


def playlist_build(*, playlist_id: int) -> None:
    """Rank and store a queued playlist's songs; a second delivery of the same build does nothing."""
    if not Playlist.objects.filter(id=playlist_id, status__in=ACTIVE).update(status=Playlist.Status.BUILDING):
        return
    playlist = Playlist.objects.select_related("seed_track").get(id=playlist_id)
    request = _request(playlist)
    picks, source = (_search_picks(playlist, request) if playlist.query
                     else (selectors.recommendations_compute(request), Playlist.Source.FEATURES))
    picks = _fill(picks, request)
    with transaction.atomic():
        if not Playlist.objects.filter(id=playlist_id, status=Playlist.Status.BUILDING).update(
                status=Playlist.Status.READY, source=source):
            return
        Recommendation.objects.bulk_create(
            Recommendation(playlist=playlist, capture_id=playlist.capture_id, user_id=playlist.user_id,
                           track_id=pick.candidate.id, rank=rank, score=pick.score, reason=pick.reason[:200])
            for rank, pick in enumerate(picks, start=1))
    _videos_enqueue([pick.candidate.id for pick in picks], prefer_youtube=playlist.user.player == "youtube")


def _videos_enqueue(track_ids: list[int], *, prefer_youtube: bool) -> None:
    from music.services.videos import tracks_videos_enqueue

    tracks_videos_enqueue(track_ids=track_ids, prefer_youtube=prefer_youtube)


def recommendation_feedback_set(*, recommendation_id: int, user_id: int, feedback: str) -> Recommendation:
    """Record a like, dislike or skip; raise Recommendation.DoesNotExist for a song not on the user's lists."""
    recommendation = Recommendation.objects.get(id=recommendation_id, user_id=user_id)
    recommendation.feedback = feedback
    recommendation.feedback_at = timezone.now()
    recommendation.save(update_fields=["feedback", "feedback_at"])
    return recommendation
