"""Reads of a user's mood history: filtered captures and aggregates computed by the database.

Every function runs a fixed number of queries whatever the history's size.
Days, weekdays and hours are those of TIME_ZONE: the date filters convert it, and the
aggregates group on the local_* columns each capture keeps (MoodCapture.localise).
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from moods.models import Emotion, MoodCapture
from music.affect import EMOTION_TARGETS
from music.models import Recommendation

EMOTIONS = tuple(Emotion.values)
TREND_DAYS = 7
NO_TREND = "Not enough readings in the last two weeks to compare them."
# A change of the mean (valence, energy) smaller than this reads as "about the same":
# a tenth of the distance between the CALM and HAPPY targets (README, "Emotions in (valence, energy)").
TREND_THRESHOLD = 0.06


@dataclass(frozen=True)
class HistoryFilter:
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    emotion: str = ""


def captures_exist(*, user: User) -> bool:
    """Whether the user has any capture at all (an empty history is not a filter that matched nothing)."""
    return MoodCapture.objects.filter(user=user).exists()


def captures_filtered(*, user: User, filters: HistoryFilter) -> QuerySet[MoodCapture]:
    """The user's captures within the filter's days (inclusive, local time) and emotion, newest first."""
    captures = MoodCapture.objects.filter(user=user)
    if filters.date_from:
        captures = captures.filter(created_at__gte=_day_start(filters.date_from))
    if filters.date_to:
        captures = captures.filter(created_at__lt=_day_start(filters.date_to + datetime.timedelta(days=1)))
    if filters.emotion:
        captures = captures.filter(emotion=filters.emotion)
    return captures.order_by("-created_at", "-id")


def _day_start(day: datetime.date) -> datetime.datetime:
    # A range on created_at itself (not created_at__date) lets the (user, -created_at) index answer.
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _read(captures: QuerySet[MoodCapture]) -> QuerySet[MoodCapture]:
    return captures.exclude(emotion="").order_by()  # order_by(): no ordering column in the GROUP BY


def _zeros() -> dict[str, int]:
    return dict.fromkeys(EMOTIONS, 0)


def emotion_counts(*, captures: QuerySet[MoodCapture]) -> dict[str, int]:
    """Captures per emotion, every emotion present (0 when none); one query."""
    counts = _zeros()
    for row in _read(captures).values("emotion").annotate(n=Count("id")):
        counts[row["emotion"]] = row["n"]
    return counts


def emotions_by_day(*, captures: QuerySet[MoodCapture]) -> list[dict]:
    """[{"date", "counts": {EMOTION: n}}] for each day that has a reading, oldest first; one query."""
    # One row a day with a column per emotion: a fraction of the rows of GROUP BY (day, emotion).
    rows = (_read(captures).values("local_date").order_by("local_date")
            .annotate(**{emotion: Count("id", filter=Q(emotion=emotion)) for emotion in EMOTIONS}))
    return [{"date": row["local_date"], "counts": {emotion: row[emotion] for emotion in EMOTIONS}} for row in rows]


def weekday_hour_counts(*, captures: QuerySet[MoodCapture]) -> list[list[int]]:
    """Readings per weekday (Monday first) and hour of the day: 7 rows of 24 counts; one query."""
    grid = [[0] * 24 for _ in range(7)]
    for row in _read(captures).values("local_weekday", "local_hour").annotate(n=Count("id")):
        grid[row["local_weekday"]][row["local_hour"]] = row["n"]
    return grid


def dominant_emotion(counts: dict[str, int]) -> str:
    """The most frequent emotion ("" when there is none); ties go to the order of Emotion."""
    best = max(EMOTIONS, key=lambda name: counts[name])
    return best if counts[best] else ""


def mood_trend(*, user: User, until: datetime.date) -> str:
    """One line comparing the TREND_DAYS days up to `until` with the ones before; one query."""
    end = _day_start(until + datetime.timedelta(days=1))
    this_start, last_start = end - datetime.timedelta(days=TREND_DAYS), end - datetime.timedelta(days=2 * TREND_DAYS)
    rows = (_read(MoodCapture.objects.filter(user=user, created_at__gte=last_start, created_at__lt=end))
            .values("emotion").annotate(this=Count("id", filter=Q(created_at__gte=this_start)),
                                        last=Count("id", filter=Q(created_at__lt=this_start))))
    this_week = {row["emotion"]: row["this"] for row in rows}
    last_week = {row["emotion"]: row["last"] for row in rows}
    return trend_sentence(this_week=this_week, last_week=last_week)


def week_in_a_line(*, user: User, today: datetime.date) -> str:
    """ "This week: mostly calm (4 of 7 readings). Calmer than last week." — for the home page."""
    start = _day_start(today - datetime.timedelta(days=TREND_DAYS - 1))
    counts = emotion_counts(captures=MoodCapture.objects.filter(user=user, created_at__gte=start))
    total = sum(counts.values())
    if not total:
        return "No readings in the last seven days yet."
    label = Emotion(dominant_emotion(counts)).label
    readings = f"{counts[dominant_emotion(counts)]} of {total} reading{'s' if total > 1 else ''}"
    trend = mood_trend(user=user, until=today)
    return f"This week: mostly {label} ({readings}).{'' if trend == NO_TREND else ' ' + trend}"


def _mean_point(counts: dict[str, int]) -> tuple[float, float] | None:
    total = sum(counts.values())
    if not total:
        return None
    return (sum(EMOTION_TARGETS[e].point[0] * n for e, n in counts.items()) / total,
            sum(EMOTION_TARGETS[e].point[1] * n for e, n in counts.items()) / total)


def trend_sentence(*, this_week: dict[str, int], last_week: dict[str, int]) -> str:
    """"calmer than last week" and the like, from the mean (valence, energy) of each week's readings."""
    now, before = _mean_point(this_week), _mean_point(last_week)
    if now is None or before is None:
        return NO_TREND
    valence, energy = now[0] - before[0], now[1] - before[1]
    if max(abs(valence), abs(energy)) < TREND_THRESHOLD:
        return "About the same as last week."
    if abs(energy) >= abs(valence):
        return "Calmer than last week." if energy < 0 else "More wound up than last week."
    return "Brighter than last week." if valence > 0 else "Lower than last week."


def history_summary(*, user: User, filters: HistoryFilter) -> dict:
    """{"counts", "by_day", "dominant", "total"} of the filtered readings; two queries."""
    captures = captures_filtered(user=user, filters=filters)
    counts = emotion_counts(captures=captures)
    return {"counts": counts, "by_day": emotions_by_day(captures=captures), "dominant": dominant_emotion(counts),
            "total": sum(counts.values())}


# --- Staff page: anonymous aggregates over every user ---------------------------

SITE_DAYS = 90
TOP_TRACKS = 10


def site_emotions_by_day(*, until: datetime.date) -> list[dict]:
    """Every user's readings per day and emotion over the SITE_DAYS days up to `until`; one query."""
    start = _day_start(until - datetime.timedelta(days=SITE_DAYS - 1))
    return emotions_by_day(captures=MoodCapture.objects.filter(created_at__gte=start))


def tracks_top(*, liked_only: bool) -> list[dict]:
    """The TOP_TRACKS most recommended (or most liked) tracks: {"name", "artist", "n"}; one query."""
    songs = Recommendation.objects.filter(feedback=Recommendation.Feedback.LIKE) if liked_only \
        else Recommendation.objects.all()
    rows = (songs.order_by().values("track_id", "track__name", "track__artist").annotate(n=Count("id"))
            .order_by("-n", "track_id"))[:TOP_TRACKS]
    return [{"name": row["track__name"], "artist": row["track__artist"], "n": row["n"]} for row in rows]
