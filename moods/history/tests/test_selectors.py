"""The history's aggregates, computed by the database in the site's time zone."""

import datetime

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from moods.history import selectors
from moods.history.selectors import HistoryFilter
from moods.history.tests.factories import reading, readings_bulk
from moods.models import MoodCapture

pytestmark = pytest.mark.django_db


def _zeros(**counts) -> dict[str, int]:
    return {**dict.fromkeys(selectors.EMOTIONS, 0), **counts}


def test_summary_counts_per_emotion_and_per_day_and_names_the_dominant_one():
    user = UserFactory()
    readings_bulk(user, [("SAD", datetime.datetime(2026, 3, 2, 9)), ("SAD", datetime.datetime(2026, 3, 2, 21)),
                         ("HAPPY", datetime.datetime(2026, 3, 4, 10))])
    MoodCapture.objects.create(user=user, source="upload")  # queued: no reading yet
    reading(UserFactory(), "CALM", datetime.datetime(2026, 3, 2, 9))  # someone else's

    summary = selectors.history_summary(user=user, filters=HistoryFilter())

    assert summary == {"counts": _zeros(SAD=2, HAPPY=1), "dominant": "SAD", "total": 3,
                       "by_day": [{"date": datetime.date(2026, 3, 2), "counts": _zeros(SAD=2)},
                                  {"date": datetime.date(2026, 3, 4), "counts": _zeros(HAPPY=1)}]}


def test_days_and_hours_are_those_of_the_site_time_zone(settings):
    settings.TIME_ZONE = "America/New_York"
    user = UserFactory()
    # 02:30 UTC on Tuesday 3 March is 21:30 on Monday 2 March in New York.
    with timezone.override("America/New_York"):
        reading(user, "CALM", datetime.datetime(2026, 3, 3, 2, 30, tzinfo=datetime.UTC))
        summary = selectors.history_summary(user=user, filters=HistoryFilter(date_from=datetime.date(2026, 3, 2),
                                                                             date_to=datetime.date(2026, 3, 2)))
        grid = selectors.weekday_hour_counts(captures=MoodCapture.objects.filter(user=user))

    assert summary["by_day"] == [{"date": datetime.date(2026, 3, 2), "counts": _zeros(CALM=1)}]
    assert grid[0][21] == 1  # Monday, 21:00
    assert sum(map(sum, grid)) == 1


def test_filters_keep_the_days_inclusive_and_the_emotion():
    user = UserFactory()
    readings_bulk(user, [("SAD", datetime.datetime(2026, 3, 1, 23, 59)), ("SAD", datetime.datetime(2026, 3, 2, 0, 0)),
                         ("HAPPY", datetime.datetime(2026, 3, 3, 23, 59)), ("SAD", datetime.datetime(2026, 3, 4, 0))])

    captures = selectors.captures_filtered(user=user, filters=HistoryFilter(
        date_from=datetime.date(2026, 3, 2), date_to=datetime.date(2026, 3, 3), emotion="SAD"))

    assert [c.created_at for c in captures] == [timezone.make_aware(datetime.datetime(2026, 3, 2))]


def test_the_heatmap_puts_monday_first():
    user = UserFactory()
    readings_bulk(user, [("SAD", datetime.datetime(2026, 3, 2, 9)),  # a Monday
                         ("SAD", datetime.datetime(2026, 3, 8, 23)), ("HAPPY", datetime.datetime(2026, 3, 8, 23))])

    grid = selectors.weekday_hour_counts(captures=MoodCapture.objects.filter(user=user))

    assert grid[0][9] == 1
    assert grid[6][23] == 2
    assert sum(map(sum, grid)) == 3


@pytest.mark.parametrize(("this_week", "last_week", "sentence"), [
    ({"CALM": 3}, {"ANGRY": 3}, "Calmer than last week."),
    ({"ANGRY": 2}, {"CALM": 2}, "More wound up than last week."),
    ({"HAPPY": 1, "SAD": 1}, {"SAD": 2}, "Brighter than last week."),
    ({"SAD": 4}, {"SAD": 1}, "About the same as last week."),
    ({"SAD": 4}, {}, "Not enough readings in the last two weeks to compare them."),
])
def test_the_trend_sentence(this_week, last_week, sentence):
    assert selectors.trend_sentence(this_week=this_week, last_week=last_week) == sentence


def test_the_trend_compares_the_last_seven_days_with_the_seven_before():
    user = UserFactory()
    readings_bulk(user, [("ANGRY", datetime.datetime(2026, 3, 3, 12)), ("CALM", datetime.datetime(2026, 3, 10, 12)),
                         ("ANGRY", datetime.datetime(2026, 2, 20, 12))])  # three weeks back: not counted

    assert selectors.mood_trend(user=user, until=datetime.date(2026, 3, 10)) == "Calmer than last week."
