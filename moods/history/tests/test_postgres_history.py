"""The history's aggregates on PostgreSQL: its own date and hour functions, in the site's time zone."""

import datetime

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from moods.history import selectors
from moods.history.selectors import HistoryFilter
from moods.history.tests.factories import month_of_readings, reading
from moods.models import MoodCapture

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def test_days_and_hours_follow_the_time_zone_on_postgres(settings):
    settings.TIME_ZONE = "America/New_York"
    user = UserFactory()
    with timezone.override("America/New_York"):
        reading(user, "CALM", datetime.datetime(2026, 3, 3, 2, 30, tzinfo=datetime.UTC))  # Mon 2 Mar, 21:30 there
        summary = selectors.history_summary(user=user, filters=HistoryFilter())
        grid = selectors.weekday_hour_counts(captures=MoodCapture.objects.filter(user=user))

    assert [day["date"] for day in summary["by_day"]] == [datetime.date(2026, 3, 2)]
    assert grid[0][21] == 1


def test_the_dashboard_queries_do_not_grow_on_postgres(client, django_assert_max_num_queries):
    user = UserFactory()
    client.force_login(user)
    month_of_readings(user, end=timezone.localdate(), days=500, per_day=10)

    with django_assert_max_num_queries(8):
        page = client.get("/history/").content.decode()

    assert '<p class="big-number" id="history-total">5000</p>' in page
