"""Pure ranking rules: score candidates around a target point, cap artists, walk the uplift path.

No database here: selectors fetch the candidates, services store the picks.
"""

import math
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from music.affect import describe_song, mood_derive, path_direction

MOOD_BONUS = 0.10  # a song whose mood fits the emotion beats a slightly closer one that does not
POPULARITY_WEIGHT = 0.08  # at most 0.08 of closeness: a prior, never the main criterion
UNKNOWN_POPULARITY = 40  # the hit-predictor set has none; a little below the data_moods median (45)
LIKE_PULL = 0.12  # how much a liked song lifts its neighbours ...
LIKE_RADIUS = 0.15  # ... within this distance in (valence, energy)
ARTIST_CAP = 2  # at most this many songs by one artist ...
ARTIST_WINDOW = 10  # ... in any run of this many
# A song without features sits at its mood's centre: a guess. It ranks as if it were
# this much farther away (0.15 of score is about 0.21 in (valence, energy)), so a
# song whose own features put it near the target always wins.
GUESSED_POSITION_PENALTY = 0.15
# "More like this": how much each feature counts in the distance between two songs.
# Valence and energy decide the mood; the others tell a ballad from a dance track.
SIMILARITY_WEIGHTS = {"valence": 1.0, "energy": 1.0, "danceability": 0.6, "acousticness": 0.6,
                      "instrumentalness": 0.4, "tempo": 0.4}
TEMPO_RANGE = (50.0, 200.0)  # BPM mapped onto 0..1; the hit-predictor tempos are 99 % inside it
_FAR_CORNER = math.sqrt(2)  # the longest distance in the unit square: closeness 0
Point = tuple[float, float]


class Candidate(NamedTuple):
    """A track as the ranking sees it; a named tuple because a list build makes ~130 of them from database
    rows (Candidate._make(row)): a frozen dataclass's __init__ took 0.8 ms for 120, _make 0.1 ms
    (measured 2026-12-01)."""

    id: int
    valence: float  # the ranking position: features, or the mood's centre
    energy: float
    popularity: int | None
    mood: str
    artist: str
    has_features: bool = True  # SQLite answers 1 or 0: read it as a truth value, never compare it to True
    danceability: float | None = None
    acousticness: float | None = None
    instrumentalness: float | None = None
    tempo: float | None = None


@dataclass(frozen=True)
class Pick:
    candidate: Candidate
    score: float
    reason: str


def artist_key(artist: str) -> str:
    """The first credited artist, case-folded: what the artist cap counts."""
    return artist.split(",")[0].strip().casefold()


def candidate_scores(candidates: Iterable[Candidate], *, point: Point, moods: Collection[str],
                     liked: Sequence[Point]) -> list[float]:
    """Each candidate's closeness to the point (1 at the point, 0 at the far corner), plus mood, popularity
    and like bonuses. One loop for the ~130 candidates of a list: a call per candidate cost a sixth more."""
    dist, scores = math.dist, []
    for candidate in candidates:
        here = (candidate.valence, candidate.energy)
        score = 1 - dist(here, point) / _FAR_CORNER
        score += MOOD_BONUS if candidate.mood in moods else 0.0
        popularity = UNKNOWN_POPULARITY if candidate.popularity is None else candidate.popularity
        score += POPULARITY_WEIGHT * popularity / 100
        if not candidate.has_features:
            score -= GUESSED_POSITION_PENALTY
        if liked:
            score += LIKE_PULL * max(0.0, 1 - min([dist(here, other) for other in liked]) / LIKE_RADIUS)
        scores.append(score)
    return scores


def _blocked(picks: Sequence[Pick]) -> set[str]:
    """Artists who already have ARTIST_CAP songs among the last ARTIST_WINDOW - 1 picks."""
    recent = Counter(artist_key(pick.candidate.artist) for pick in picks[-(ARTIST_WINDOW - 1):])
    return {artist for artist, count in recent.items() if count >= ARTIST_CAP}


def _picks_capped(ranked: Iterable[tuple[float, Candidate]], *, size: int,
                  reason: Callable[[Candidate], str]) -> list[Pick]:
    """The first `size` of the ranked (score, candidate) pairs whose artist is not blocked, scores rounded."""
    picks: list[Pick] = []
    blocked: set[str] = set()  # _blocked(picks), worked out again only when a pick is added
    for score, candidate in ranked:
        if len(picks) == size:
            break
        if artist_key(candidate.artist) not in blocked:
            picks.append(Pick(candidate, round(score, 4), reason(candidate)))
            blocked = _blocked(picks)
    return picks


def song_words(candidate: Candidate) -> str:
    """Plain words for a song: "bright and upbeat, made for dancing", or its curated mood without features."""
    if not candidate.has_features:
        return f"a {candidate.mood} song" if candidate.mood else "a song from our list"
    return describe_song(valence=candidate.valence, energy=candidate.energy,
                         danceability=candidate.danceability, acousticness=candidate.acousticness)


def picks_match(candidates: Iterable[Candidate], *, point: Point, moods: Sequence[str], liked: Sequence[Point],
                size: int, why: str) -> list[Pick]:
    """Return up to `size` best candidates around a point, best first, under the artist cap."""
    pool = list(candidates)
    scores = candidate_scores(pool, point=point, moods=moods, liked=liked)
    ranked = sorted(zip(scores, pool, strict=True), key=lambda pair: (-pair[0], pair[1].id))
    return _picks_capped(ranked, size=size, reason=lambda candidate: f"{song_words(candidate)} — {why}")


def _features(candidate: Candidate) -> dict[str, float | None]:
    low, high = TEMPO_RANGE
    tempo = None if candidate.tempo is None else min(1.0, max(0.0, (candidate.tempo - low) / (high - low)))
    return {"valence": candidate.valence, "energy": candidate.energy, "danceability": candidate.danceability,
            "acousticness": candidate.acousticness, "instrumentalness": candidate.instrumentalness, "tempo": tempo}


def song_distance(one: Candidate, other: Candidate) -> float:
    """Weighted distance over the features both songs have (valence and energy at least)."""
    mine, theirs = _features(one), _features(other)
    shared = [name for name in SIMILARITY_WEIGHTS if mine[name] is not None and theirs[name] is not None]
    total = sum(SIMILARITY_WEIGHTS[name] * (mine[name] - theirs[name]) ** 2 for name in shared)
    return math.sqrt(total / sum(SIMILARITY_WEIGHTS[name] for name in shared))


def picks_similar(candidates: Iterable[Candidate], *, seed: Candidate, size: int, why: str) -> list[Pick]:
    """Return up to `size` songs nearest to a seed song's features, nearest first, under the artist cap."""
    def distance(candidate: Candidate) -> float:
        return song_distance(seed, candidate) + (0 if candidate.has_features else GUESSED_POSITION_PENALTY)

    ranked = sorted(((distance(c), c.id, c) for c in candidates), key=lambda item: item[:2])
    return _picks_capped(((1 - far, c) for far, _, c in ranked), size=size,
                         reason=lambda candidate: f"{song_words(candidate)} — {why}")


def picks_ordered(ranked: Iterable[tuple[Candidate, float]], *, size: int, why: str) -> list[Pick]:
    """Keep a given order (e.g. search relevance) and its scores, under the artist cap."""
    return _picks_capped(((score, c) for c, score in ranked), size=size,
                         reason=lambda candidate: f"{why} — {song_words(candidate)}")


def path_points(start: Point, end: Point, steps: int) -> list[Point]:
    """Evenly spaced points from start to end, both included (the iso principle's steps)."""
    if steps == 1:
        return [end]
    return [(start[0] + (end[0] - start[0]) * i / (steps - 1), start[1] + (end[1] - start[1]) * i / (steps - 1))
            for i in range(steps)]


def picks_uplift(candidates: Iterable[Candidate], *, start: Point, end: Point, liked: Sequence[Point],
                 size: int) -> list[Pick]:
    """Return a list that starts near `start` and moves step by step to `end`; the order is the path.

    Each step takes the best free candidate around its waypoint; the chosen songs
    are then ordered by their distance to `end`, farthest first, so every song is
    at least as close to the positive target as the one before it.
    """
    pool = list(candidates)
    artists = {c.id: artist_key(c.artist) for c in pool}  # once, not at each of the `size` steps
    taken: set[int] = set()
    picks: list[Pick] = []
    for waypoint in path_points(start, end, size):
        moods = (mood_derive(valence=waypoint[0], energy=waypoint[1]),)
        blocked = _blocked(picks)
        free = [c for c in pool if c.id not in taken and artists[c.id] not in blocked]
        if not free:
            break
        scores = candidate_scores(free, point=waypoint, moods=moods, liked=liked)
        score, _, chosen = max(zip(scores, [-c.id for c in free], free, strict=True))
        taken.add(chosen.id)
        picks.append(Pick(chosen, round(score, 4), ""))
    picks.sort(key=lambda pick: (-math.dist((pick.candidate.valence, pick.candidate.energy), end), pick.candidate.id))
    towards = path_direction(start, end)
    return [Pick(p.candidate, p.score, uplift_reason(p.candidate, step=i, steps=len(picks), towards=towards))
            for i, p in enumerate(picks, start=1)]


def uplift_reason(candidate: Candidate, *, step: int, steps: int, towards: str) -> str:
    return f"step {step} of {steps} towards {towards} — {song_words(candidate)}"
