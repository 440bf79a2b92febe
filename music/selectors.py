"""Reads: nearest tracks to a point, a listener's history, the ranked list they would get now, the YouTube budget,
and the playlists and import jobs the sweepers pick up."""

import datetime
import math
from collections.abc import Collection
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import Strategy
from music.affect import EMOTION_TARGETS, GRID, grid_cell, path_direction
from music.models import ImportJob, Playlist, QuotaDay, Recommendation, Track
from music.ranking import Candidate, Pick, Point, picks_match, picks_similar, picks_uplift, uplift_reason
from music.videos import quota_day

LIST_SIZE = 10
RECENT_WINDOW = 50  # no song the listener got in their last 50 recommendations
CANDIDATES_PER_LIST = 8 * LIST_SIZE  # enough room for the artist cap and the mood bonus
LIKES_CONSIDERED = 20
SIMILAR_POOL = 3 * CANDIDATES_PER_LIST  # "more like this" re-ranks the nearest in (valence, energy) by every feature
_COLUMNS = ("id, pos_valence, pos_energy, popularity, mood, artist, valence IS NOT NULL AND energy IS NOT NULL, "
            "danceability, acousticness, instrumentalness, tempo")


def _candidates(rows, exclude: Collection[int]) -> list[Candidate]:
    """Rows of _COLUMNS (Candidate's fields, in order) as candidates, less the excluded."""
    return [Candidate._make(row) for row in rows if row[0] not in exclude]


def track_candidate(track: Track) -> Candidate:
    """The ranking view of one track."""
    return Candidate(track.id, track.pos_valence, track.pos_energy, track.popularity, track.mood, track.artist,
                     track.has_features, track.danceability, track.acousticness, track.instrumentalness,
                     track.tempo)


# How far the first search box reaches from the point, per square root of the tracks it must hold:
# 0.0035·√k is at least the distance of the k-th nearest track to each emotion's point in the 41k
# hit-predictor catalogue for k = 91, 131 and 291 (uplift steps, match lists, "more like this" of the
# bench's listener; measured 2026-12-01), so one box serves a list there.
FIRST_REACH_PER_ROOT = 0.0035
# Float error in the box's bounds is ~1e-16; the catalogue's features come in steps of 0.001.
_ROUNDING = 1e-9


def _near_grid(point: Point, count: int, exclude: Collection[int]) -> list[Candidate]:
    """The nearest count + len(exclude) active tracks to the point (ties to the lower id), less the
    excluded: what the PostgreSQL path returns. SQLite searches a square box around the point, grown
    until the farthest track found is nearer than the box's edge (so no nearer track lies outside it)
    or the box covers the whole catalogue."""
    limit = count + len(exclude)
    reach = FIRST_REACH_PER_ROOT * math.sqrt(limit)
    with connection.cursor() as cursor:
        while True:
            rows = _nearest_in(cursor, point, reach, limit)
            full = len(rows) == limit
            farthest = _farthest(rows, point) if full else math.inf
            if reach >= 1 or farthest < reach - _ROUNDING:
                return _candidates(rows, exclude)
            # A full box's tracks all lie within `farthest`, so the nearest `limit` do too: a box that
            # wide holds them (the second query is the last). A box short of tracks doubles.
            reach = farthest + 2 * _ROUNDING if full else reach * 2


def _farthest(rows: list[tuple], point: Point) -> float:
    return math.sqrt(max((row[1] - point[0]) ** 2 + (row[2] - point[1]) ** 2 for row in rows)) if rows else 0.0


def _cells_around(point: Point, reach: float) -> list[int]:
    """The grid cells a box of half-width `reach` around the point overlaps (a track's cell is grid_cell of
    its position: music.services.tracks)."""
    low, high = grid_cell(point[0] - reach, point[1] - reach), grid_cell(point[0] + reach, point[1] + reach)
    return [column * GRID + row for column in range(low // GRID, high // GRID + 1)
            for row in range(low % GRID, high % GRID + 1)]


# The box's tracks are found and sorted on the covering index track_active_cell_pos alone (the inner
# SELECT reads no table row: a seek per cell on its pos_valence range), and only the `limit` nearest
# are then read from the table, in no particular order (the ranking sorts them). Sorting whole rows
# read for every track of a 3x3 square of cells was 3.0 of a list build's 5.0 ms CPU (measured
# 2026-12-01 on the 41k catalogue). Ties in distance go to the lower id, so the same catalogue always
# gives the same list. "active = 1", not "active": only the equality lets SQLite search the index.
_NEAREST_SQL = (f"SELECT {_COLUMNS} FROM music_track WHERE id IN (SELECT id FROM music_track "  # noqa: S608
                "WHERE active = 1 AND cell IN ({cells}) AND pos_valence BETWEEN %s AND %s "
                "AND pos_energy BETWEEN %s AND %s "
                "ORDER BY (pos_valence - %s) * (pos_valence - %s) + (pos_energy - %s) * (pos_energy - %s), id "
                "LIMIT %s)")


def _nearest_in(cursor, point: Point, reach: float, limit: int) -> list[tuple]:
    (valence, energy), cells = point, ", ".join(map(str, _cells_around(point, reach)))
    cursor.execute(_NEAREST_SQL.format(cells=cells), [valence - reach, valence + reach, energy - reach,
                                                      energy + reach, valence, valence, energy, energy, limit])
    return cursor.fetchall()


def _near_postgres(point: Point, count: int, exclude: Collection[int]) -> list[Candidate]:
    # The GiST index on point(pos_valence, pos_energy) (migration 0002) answers ORDER BY <-> directly.
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {_COLUMNS} FROM music_track WHERE active AND cell IS NOT NULL "  # noqa: S608
                       "ORDER BY point(pos_valence, pos_energy) <-> point(%s, %s) LIMIT %s",
                       [point[0], point[1], count + len(exclude)])
        return _candidates(cursor.fetchall(), exclude)


def track_candidates_near(*, point: Point, count: int, exclude: Collection[int] = ()) -> list[Candidate]:
    """Return at least `count` active tracks nearest a point (all there are, if fewer), in no set order."""
    if connection.vendor == "postgresql":
        return _near_postgres(point, count, exclude)
    return _near_grid(point, count, exclude)


def user_recent_track_ids(*, user_id: int, keep_playlist_ids: Collection[int] = ()) -> set[int]:
    """Tracks in the user's last RECENT_WINDOW recommendations, except those of the given playlists."""
    rows = Recommendation.objects.filter(user_id=user_id).order_by("-id").values_list("playlist_id", "track_id")
    return {track for playlist, track in rows[:RECENT_WINDOW] if playlist not in keep_playlist_ids}


def user_disliked_track_ids(*, user_id: int) -> set[int]:
    return set(Recommendation.objects.filter(user_id=user_id, feedback=Recommendation.Feedback.DISLIKE)
               .values_list("track_id", flat=True))


def user_liked_points(*, user_id: int) -> list[Point]:
    rows = (Recommendation.objects.filter(user_id=user_id, feedback=Recommendation.Feedback.LIKE)
            .order_by("-feedback_at").values_list("track__pos_valence", "track__pos_energy"))
    return list(rows[:LIKES_CONSIDERED])


@dataclass(frozen=True)
class ListRequest:
    emotion: str
    strategy: str = Strategy.MATCH
    user_id: int | None = None
    seed: Track | None = None  # "more like this"
    exclude: frozenset[int] = frozenset()  # e.g. the songs already on this capture's lists
    keep_playlist_ids: frozenset[int] = frozenset()  # their songs may come back (a strategy switch)
    why: str = "close to how you look"  # the end of a matching song's reason


# The three reads of a listener's history in one statement (each part on its own index:
# recommendation_user_recent, recommendation_user_feedback): at one list per capture,
# three ORM queries were ~40 % of a list's CPU (BENCHMARKS.md, bench_music).
_HISTORY_SQL = (  # likes first: PostgreSQL types each column of a UNION from its first typed branch
    "SELECT 'like', NULL, l.track_id, l.feedback_at, t.pos_valence, t.pos_energy FROM ("
    " SELECT track_id, feedback_at FROM music_recommendation WHERE user_id = %s AND feedback = %s"
    " ORDER BY feedback_at DESC LIMIT %s) l JOIN music_track t ON t.id = l.track_id"
    " UNION ALL SELECT 'recent', r.playlist_id, r.track_id, NULL, NULL, NULL FROM ("
    " SELECT playlist_id, track_id FROM music_recommendation WHERE user_id = %s ORDER BY id DESC LIMIT %s) r"
    " UNION ALL SELECT 'dislike', NULL, track_id, NULL, NULL, NULL FROM music_recommendation"
    " WHERE user_id = %s AND feedback = %s")


def listener_history(request: ListRequest) -> tuple[set[int], list[Point]]:
    """Tracks to leave out (recent, disliked, asked) and the positions of recently liked tracks:
    what user_recent_track_ids, user_disliked_track_ids and user_liked_points return, in one query."""
    if request.user_id is None:
        return set(request.exclude), []
    user, feedback = request.user_id, Recommendation.Feedback
    with connection.cursor() as cursor:
        cursor.execute(_HISTORY_SQL, [user, feedback.LIKE, LIKES_CONSIDERED, user, RECENT_WINDOW,
                                      user, feedback.DISLIKE])
        rows = cursor.fetchall()
    excluded = set(request.exclude)
    excluded.update(track for part, playlist, track, *_ in rows
                    if part == "dislike" or (part == "recent" and playlist not in request.keep_playlist_ids))
    likes = sorted((row for row in rows if row[0] == "like"), key=lambda row: row[3], reverse=True)
    return excluded, [(row[4], row[5]) for row in likes]


def recommendations_compute(request: ListRequest) -> list[Pick]:
    """Return the ranked songs a listener would get now for an emotion, strategy or seed song."""
    target = EMOTION_TARGETS[request.emotion]
    excluded, liked = listener_history(request)
    if request.seed is not None:
        seed = track_candidate(request.seed)
        pool = track_candidates_near(point=(seed.valence, seed.energy), count=SIMILAR_POOL,
                                     exclude=excluded | {seed.id})
        return picks_similar(pool, seed=seed, size=LIST_SIZE, why=f"close to “{request.seed.name}”")
    if request.strategy == Strategy.UPLIFT:
        pool = {c.id: c for step in range(4) for c in track_candidates_near(
            point=_between(target.point, target.uplift_to, step / 3), count=CANDIDATES_PER_LIST // 2,
            exclude=excluded)}
        return picks_uplift(pool.values(), start=target.point, end=target.uplift_to, liked=liked, size=LIST_SIZE)
    pool = track_candidates_near(point=target.point, count=CANDIDATES_PER_LIST, exclude=excluded)
    return picks_match(pool, point=target.point, moods=target.moods, liked=liked, size=LIST_SIZE, why=request.why)


def mood_songs(*, emotion: str, strategy: str, user_id: int, exclude: Collection[int] = ()) -> list[tuple[Track, str]]:
    """The songs a listener would get now for a mood, best first, each with why; nothing is saved.

    A live session's coming songs: re-ranked each time the mood settles somewhere new."""
    picks = recommendations_compute(ListRequest(emotion=emotion, strategy=strategy, user_id=user_id,
                                                exclude=frozenset(exclude)))
    tracks = Track.objects.in_bulk([pick.candidate.id for pick in picks])
    return [(tracks[pick.candidate.id], pick.reason) for pick in picks if pick.candidate.id in tracks]


def song_replacement(request: ListRequest, *, replaced: Track, step: int, steps: int) -> list[Pick]:
    """The song to take a disliked one's place: on an uplift path, the nearest free song to it; else the next best."""
    if request.strategy != Strategy.UPLIFT or request.seed is not None:
        return recommendations_compute(request)[:1]
    target = EMOTION_TARGETS[request.emotion]
    excluded, liked = listener_history(request)
    point = (replaced.pos_valence, replaced.pos_energy)
    pool = track_candidates_near(point=point, count=CANDIDATES_PER_LIST, exclude=excluded | {replaced.id})
    picks = picks_match(pool, point=point, moods=(), liked=liked, size=1, why="")
    towards = path_direction(target.point, target.uplift_to)
    return [Pick(pick.candidate, pick.score, uplift_reason(pick.candidate, step=step, steps=steps, towards=towards))
            for pick in picks]


def _between(start: Point, end: Point, share: float) -> Point:
    return start[0] + (end[0] - start[0]) * share, start[1] + (end[1] - start[1]) * share


def playlist_current(*, capture_id: int) -> Playlist | None:
    """The capture's newest playlist (built or not), or None."""
    return Playlist.objects.filter(capture_id=capture_id).order_by("-id").first()


def rows_stuck_queued(*, model: type[Playlist | ImportJob], before: datetime.datetime) -> list[int]:
    """Ids of a model's rows (playlists, import jobs) queued since before `before` (from their last claim, if any)."""
    return list(model.objects.filter(status=model.Status.QUEUED)
                .alias(waiting_since=Coalesce("started_at", "created_at"))
                .filter(waiting_since__lt=before).values_list("id", flat=True))


def tracks_video_lookups_lost(*, built_after: datetime.datetime, built_before: datetime.datetime,
                              limit: int) -> list[tuple[int, str]]:
    """(track id, listener's player) of songs never looked up on lists built in that window: up to `limit`."""
    return list(Recommendation.objects.filter(playlist__status=Playlist.Status.READY,
                                              playlist__started_at__range=(built_after, built_before),
                                              track__video_state=Track.VideoState.UNKNOWN)
                .values_list("track_id", "user__player").distinct().order_by("track_id")[:limit])


def rows_stuck_in_progress(*, model: type[Playlist | ImportJob], status: str,
                           before: datetime.datetime) -> list[tuple[int, int]]:
    """(id, attempts) of a model's rows claimed into `status` before `before` and never ended."""
    return list(model.objects.filter(status=status, started_at__lt=before).values_list("id", "attempts"))


def playlist_songs(*, playlist_id: int) -> list[Recommendation]:
    """A list's songs in order, without the disliked ones: those have left the list."""
    return list(Recommendation.objects.filter(playlist_id=playlist_id).exclude(feedback=Recommendation.Feedback.DISLIKE)
                .select_related("track").order_by("rank"))


def capture_songs_current(*, capture_id: int) -> tuple[Playlist | None, list[Recommendation]]:
    """A capture's newest playlist (built or not) and its songs, ranked (none while it is building)."""
    playlist = playlist_current(capture_id=capture_id)
    return playlist, playlist_songs(playlist_id=playlist.id) if playlist else []


def video_budget_left() -> dict[str, int]:
    """What is left of today's YouTube budget (the day in Pacific time): {"searches": n, "units": n}."""
    spent = (QuotaDay.objects.filter(name="youtube", day=quota_day(timezone.now()))
             .values("search_calls", "units").first() or {"search_calls": 0, "units": 0})
    return {"searches": max(settings.YOUTUBE_SEARCH_DAILY_LIMIT - spent["search_calls"], 0),
            "units": max(settings.YOUTUBE_DAILY_UNITS - spent["units"], 0)}
