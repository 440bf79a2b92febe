"""Readings placed at chosen times, many at once (bulk_create), for the history's aggregates."""

import datetime

from django.utils import timezone

from moods.models import Emotion, MoodCapture

EMOTIONS = Emotion.values


def reading(user, emotion: str, when: datetime.datetime) -> MoodCapture:
    """A done, hand-picked reading created at `when` (a naive local time or an aware one)."""
    return readings_bulk(user, [(emotion, when)])[0]


def readings_bulk(user, rows: list[tuple[str, datetime.datetime]]) -> list[MoodCapture]:
    """Done readings in one INSERT (bulk_create skips save(), so each is localised here)."""
    captures = [MoodCapture(user=user, source=MoodCapture.Source.MANUAL, status=MoodCapture.Status.DONE,
                            emotion=emotion, confidence=100.0, scores={emotion: 100.0},
                            created_at=when if timezone.is_aware(when) else timezone.make_aware(when))
                for emotion, when in rows]
    for capture in captures:
        capture.localise()
    return MoodCapture.objects.bulk_create(captures, batch_size=1000)


def month_of_readings(user, *, end: datetime.date, days: int = 30, per_day: int = 3) -> list[MoodCapture]:
    """`per_day` readings a day for `days` days up to `end`, the emotions cycling, at 8:00, 13:00, 18:00..."""
    rows = [(EMOTIONS[(day + slot) % len(EMOTIONS)],
             datetime.datetime.combine(end - datetime.timedelta(days=day), datetime.time(8 + 5 * slot % 16)))
            for day in range(days) for slot in range(per_day)]
    return readings_bulk(user, rows)
