"""Pure ranking rules: score candidates around a target point, cap artists, walk the uplift path.

No database here: selectors fetch the candidates, services store the picks.
"""

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from music.affect import describe_point, mood_derive

MOOD_BONUS = 0.10  # a song whose mood fits the emotion beats a slightly closer one that does not
POPULARITY_WEIGHT = 0.08  # at most 0.08 of closeness: a prior, never the main criterion
UNKNOWN_POPULARITY = 40  # the hit-predictor set has none; a little below the data_moods median (45)
LIKE_PULL = 0.12  # how much a liked song lifts its neighbours ...
LIKE_RADIUS = 0.15  # ... within this distance in (valence, energy)
ARTIST_CAP = 2  # at most this many songs by one artist ...
ARTIST_WINDOW = 10  # ... in any run of this many
Point = tuple[float, float]


@dataclass(frozen=True)
class Candidate:
    id: int
    valence: float  # the ranking position: features, or the mood's centre
    energy: float
    popularity: int | None
    mood: str
    artist: str
    has_features: bool = True


@dataclass(frozen=True)
class Pick:
    candidate: Candidate
    score: float
    reason: str


def artist_key(artist: str) -> str:
    """The first credited artist, case-folded: what the artist cap counts."""
    return artist.split(",")[0].strip().casefold()


def candidate_score(candidate: Candidate, *, point: Point, moods: Iterable[str], liked: Sequence[Point]) -> float:
    """Closeness to the point (1 at the point, 0 at the far corner), plus mood, popularity and like bonuses."""
    here = (candidate.valence, candidate.energy)
    score = 1 - math.dist(here, point) / math.sqrt(2)
    score += MOOD_BONUS if candidate.mood in moods else 0.0
    popularity = UNKNOWN_POPULARITY if candidate.popularity is None else candidate.popularity
    score += POPULARITY_WEIGHT * popularity / 100
    if liked:
        score += LIKE_PULL * max(0.0, 1 - min(math.dist(here, other) for other in liked) / LIKE_RADIUS)
    return score


def _blocked(picks: Sequence[Pick]) -> set[str]:
    """Artists who already have ARTIST_CAP songs among the last ARTIST_WINDOW - 1 picks."""
    recent = Counter(artist_key(pick.candidate.artist) for pick in picks[-(ARTIST_WINDOW - 1):])
    return {artist for artist, count in recent.items() if count >= ARTIST_CAP}


def _capped(picks: Sequence[Pick], candidate: Candidate) -> bool:
    return artist_key(candidate.artist) in _blocked(picks)


def song_words(candidate: Candidate) -> str:
    """Plain words for a song: its energy and tone, or its curated mood when it has no features."""
    if not candidate.has_features:
        return f"{candidate.mood or 'untagged'} song" if candidate.mood else "untagged song"
    return describe_point(candidate.valence, candidate.energy)


def picks_match(candidates: Iterable[Candidate], *, point: Point, moods: Sequence[str], liked: Sequence[Point],
                size: int, why: str) -> list[Pick]:
    """Return up to `size` best candidates around a point, best first, under the artist cap."""
    scored = sorted(((candidate_score(c, point=point, moods=moods, liked=liked), c.id, c) for c in candidates),
                    key=lambda item: (-item[0], item[1]))
    picks: list[Pick] = []
    for score, _, candidate in scored:
        if len(picks) == size:
            break
        if not _capped(picks, candidate):
            picks.append(Pick(candidate, round(score, 4), f"{song_words(candidate)} — {why}"))
    return picks


def picks_ordered(ranked: Iterable[tuple[Candidate, float]], *, size: int, why: str) -> list[Pick]:
    """Keep a given order (e.g. search relevance) and its scores, under the artist cap."""
    picks: list[Pick] = []
    for candidate, score in ranked:
        if len(picks) == size:
            break
        if not _capped(picks, candidate):
            picks.append(Pick(candidate, round(score, 4), f"{why} — {song_words(candidate)}"))
    return picks


def path_points(start: Point, end: Point, steps: int) -> list[Point]:
    """Evenly spaced points from start to end, both included (the iso principle's steps)."""
    if steps == 1:
        return [end]
    return [(start[0] + (end[0] - start[0]) * i / (steps - 1), start[1] + (end[1] - start[1]) * i / (steps - 1))
            for i in range(steps)]


def picks_uplift(candidates: Iterable[Candidate], *, start: Point, end: Point, liked: Sequence[Point],
                 size: int, emotion: str) -> list[Pick]:
    """Return a list that starts near `start` and moves step by step to `end`; the order is the path.

    Each step takes the best free candidate around its waypoint; the chosen songs
    are then ordered by their distance to `end`, farthest first, so every song is
    at least as close to the positive target as the one before it.
    """
    pool = list(candidates)
    taken: set[int] = set()
    picks: list[Pick] = []
    for waypoint in path_points(start, end, size):
        moods = (mood_derive(valence=waypoint[0], energy=waypoint[1]),)
        blocked = _blocked(picks)
        free = [c for c in pool if c.id not in taken and artist_key(c.artist) not in blocked]
        if not free:
            break
        score, _, chosen = max((candidate_score(c, point=waypoint, moods=moods, liked=liked), -c.id, c) for c in free)
        taken.add(chosen.id)
        picks.append(Pick(chosen, round(score, 4), ""))
    picks.sort(key=lambda pick: (-math.dist((pick.candidate.valence, pick.candidate.energy), end), pick.candidate.id))
    return [Pick(p.candidate, p.score, f"step {i} of {len(picks)}: {song_words(p.candidate)} — lifting {emotion}")
            for i, p in enumerate(picks, start=1)]
