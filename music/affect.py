"""Where moods and emotions sit in (valence, energy) space.

Valence is Spotify's "musical positiveness" and energy its "intensity and
activity", both 0..1: the two axes of Russell's circumplex model of affect
(pleasure x arousal, https://doi.org/10.1037/h0077714). README.md, "The mood
rule" and "Emotions in (valence, energy)", explains every number below.
"""

import math
from dataclasses import dataclass

from django.db import models


class Mood(models.TextChoices):
    HAPPY = "happy", "Happy"
    SAD = "sad", "Sad"
    ENERGETIC = "energetic", "Energetic"
    CALM = "calm", "Calm"


# Mean (valence, energy) per label, fitted on the even-numbered rows of
# data_moods.csv (`manage.py mood_rule_report` refits them and reports the
# agreement on the odd-numbered rows, which were not used).
MOOD_CENTRES: dict[str, tuple[float, float]] = {
    Mood.HAPPY: (0.54, 0.74),
    Mood.SAD: (0.29, 0.38),
    Mood.ENERGETIC: (0.42, 0.87),
    Mood.CALM: (0.15, 0.16),
}

# Extra words the search index stores with each mood, so "chill" finds Calm songs.
MOOD_WORDS: dict[str, str] = {
    Mood.HAPPY: "happy cheerful joyful upbeat feel-good sunny",
    Mood.SAD: "sad melancholic blue heartbreak lonely tearful",
    Mood.ENERGETIC: "energetic pumped intense workout party loud",
    Mood.CALM: "calm relaxing chill peaceful soothing quiet",
}


def mood_derive(*, valence: float, energy: float) -> str:
    """Return the mood whose centre is nearest to a (valence, energy) point."""
    return min(MOOD_CENTRES, key=lambda mood: math.dist(MOOD_CENTRES[mood], (valence, energy)))


def mood_parse(value: object) -> str | None:
    """Return a Mood value for a label ("Happy", "calm", 0..3 as in the 278k set), or None."""
    text = str(value).strip().lower()
    if text in Mood.values:
        return text
    return {"0": Mood.SAD, "1": Mood.HAPPY, "2": Mood.ENERGETIC, "3": Mood.CALM}.get(text.removesuffix(".0"))


@dataclass(frozen=True)
class EmotionTarget:
    point: tuple[float, float]  # where a MATCH list is centred
    moods: tuple[str, ...]  # moods that fit the emotion: a ranking bonus, not a filter
    uplift_to: tuple[float, float]  # where an UPLIFT list ends
    words: str  # added to a search query built from this emotion


# Circumplex positions (pleasure, arousal) of each expression, moved onto the
# scale Spotify's features actually use: songs labelled Calm average valence 0.15,
# so a "calm" target at the theory's positive valence would find no calm songs.
EMOTION_TARGETS: dict[str, EmotionTarget] = {
    "HAPPY": EmotionTarget((0.75, 0.72), (Mood.HAPPY,), (0.82, 0.70), "happy upbeat"),
    "SURPRISED": EmotionTarget((0.62, 0.85), (Mood.ENERGETIC, Mood.HAPPY), (0.78, 0.68), "upbeat surprising"),
    "ANGRY": EmotionTarget((0.30, 0.90), (Mood.ENERGETIC,), (0.65, 0.50), "intense loud"),
    "FEAR": EmotionTarget((0.25, 0.70), (Mood.ENERGETIC, Mood.SAD), (0.65, 0.45), "tense dark"),
    "DISGUSTED": EmotionTarget((0.22, 0.55), (Mood.SAD,), (0.75, 0.62), "dark gritty"),
    "SAD": EmotionTarget((0.20, 0.30), (Mood.SAD,), (0.78, 0.66), "sad melancholic"),
    "CONFUSED": EmotionTarget((0.38, 0.45), (Mood.SAD, Mood.CALM), (0.75, 0.60), "mellow reflective"),
    "CALM": EmotionTarget((0.28, 0.20), (Mood.CALM,), (0.70, 0.50), "calm relaxing"),
}

GRID = 25  # cells per axis of the SQLite nearest-neighbour grid (0.04 wide)


def track_position(*, valence: float | None, energy: float | None, mood: str) -> tuple[float, float]:
    """Return where a track ranks: its own features, else its mood's centre, else the middle."""
    if valence is not None and energy is not None:
        return valence, energy
    return MOOD_CENTRES.get(mood, (0.5, 0.5))


def grid_cell(valence: float, energy: float) -> int:
    """Return the grid cell index (row-major, GRID x GRID) of a point in the unit square."""
    column = min(GRID - 1, max(0, int(valence * GRID)))
    row = min(GRID - 1, max(0, int(energy * GRID)))
    return column * GRID + row


def describe_song(*, valence: float, energy: float, danceability: float | None = None,
                  acousticness: float | None = None) -> str:
    """Plain words for a song's features: "bright and upbeat", "dark and calm, acoustic"."""
    tone = "dark" if valence < 0.25 else "melancholic" if valence < 0.45 else "warm" if valence < 0.65 else "bright"
    pace = "calm" if energy < 0.35 else "steady" if energy < 0.6 else "upbeat" if energy < 0.8 else "intense"
    extras = [word for word, present in (("acoustic", (acousticness or 0) >= 0.6),
                                         ("made for dancing", (danceability or 0) >= 0.75)) if present]
    return ", ".join([f"{tone} and {pace}", *extras])


def path_direction(start: tuple[float, float], end: tuple[float, float]) -> str:
    """Where an uplift path heads, in words: "brighter", "calmer", "brighter and livelier"."""
    moves = sorted(((abs(delta), up if delta > 0 else down) for delta, up, down in (
        (end[0] - start[0], "brighter", "darker"), (end[1] - start[1], "livelier", "calmer"))), reverse=True)
    # The second axis is named only when it moves enough for a listener to notice.
    return " and ".join([moves[0][1], *(word for size, word in moves[1:] if size >= 0.15)])
