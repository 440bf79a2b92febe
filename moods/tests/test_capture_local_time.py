"""Each capture keeps created_at's local date, weekday and hour (TIME_ZONE), which the history groups on."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from accounts.tests.factories import UserFactory
from moods.history import selectors
from moods.models import MoodCapture

# 02:30 UTC on Tuesday 3 March 2026 is 21:30 on Monday 2 March in New York and 11:30 on Tuesday in Tokyo.
INSTANT = datetime.datetime(2026, 3, 3, 2, 30, tzinfo=datetime.UTC)


def _local(capture: MoodCapture) -> tuple:
    capture.refresh_from_db()
    return capture.local_date, capture.local_weekday, capture.local_hour


@pytest.mark.django_db
def test_a_saved_capture_keeps_its_local_day_weekday_and_hour(settings):
    settings.TIME_ZONE = "America/New_York"
    capture = MoodCapture.objects.create(user=UserFactory(), source="manual", created_at=INSTANT)

    assert _local(capture) == (datetime.date(2026, 3, 2), 0, 21)


@pytest.mark.django_db
def test_saving_a_new_created_at_with_update_fields_moves_the_local_fields_too():
    capture = MoodCapture.objects.create(user=UserFactory(), source="manual", created_at=INSTANT)
    capture.created_at = INSTANT + datetime.timedelta(hours=22)  # 00:30 UTC on Wednesday 4 March

    capture.save(update_fields=["created_at"])

    assert _local(capture) == (datetime.date(2026, 3, 4), 2, 0)


@pytest.mark.django_db
def test_captures_localise_moves_readings_to_a_new_time_zone_once(settings):
    user = UserFactory()
    MoodCapture.objects.create(user=user, source="manual", status="done", emotion="CALM", created_at=INSTANT)
    MoodCapture.objects.create(user=user, source="manual", status="done", emotion="SAD",
                               created_at=INSTANT - datetime.timedelta(hours=3))  # 23:30 UTC, 08:30 in Tokyo

    settings.TIME_ZONE = "Asia/Tokyo"
    with timezone.override("Asia/Tokyo"):
        first, second = _command_output(), _command_output()
        summary = selectors.history_summary(user=user, filters=selectors.HistoryFilter())
        grid = selectors.weekday_hour_counts(captures=MoodCapture.objects.filter(user=user))

    assert first == "2 capture(s) moved to Asia/Tokyo local time"
    assert second == "0 capture(s) moved to Asia/Tokyo local time"
    assert [day["date"] for day in summary["by_day"]] == [datetime.date(2026, 3, 3)]
    assert (grid[1][11], grid[1][8], sum(map(sum, grid))) == (1, 1, 2)


def _command_output() -> str:
    out = StringIO()
    call_command("captures_localise", stdout=out)
    return out.getvalue().strip()


@pytest.mark.django_db(transaction=True)
def test_the_migration_fills_the_local_fields_of_existing_captures(settings):
    settings.TIME_ZONE = "America/New_York"
    executor = MigrationExecutor(connection)
    executor.migrate([("moods", "0001_initial")])
    old_state = executor.loader.project_state([("moods", "0001_initial")]).apps
    user = old_state.get_model("accounts", "User").objects.create(username="before")
    old = old_state.get_model("moods", "MoodCapture").objects.create(user_id=user.id, source="manual")
    old_state.get_model("moods", "MoodCapture").objects.filter(id=old.id).update(created_at=INSTANT)
    try:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
        assert _local(MoodCapture.objects.get(id=old.id)) == (datetime.date(2026, 3, 2), 0, 21)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
