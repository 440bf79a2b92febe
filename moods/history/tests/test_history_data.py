"""Export the history as CSV or JSON; delete one capture or all, after a confirmation; the staff page."""

import csv
import datetime
import io
import json

import pytest

from accounts.tests.factories import UserFactory
from moods.history.tests.factories import reading, readings_bulk
from moods.models import Emotion, MoodCapture
from moods.tests.factories import MoodCaptureFactory, stored_files
from music.models import Recommendation
from music.services.recommendations import playlist_create
from music.tests.factories import DoneCaptureFactory, TrackFactory

pytestmark = pytest.mark.django_db


def test_the_csv_export_has_one_row_per_capture_with_every_score(client):
    user = UserFactory()
    capture = reading(user, "SAD", datetime.datetime(2026, 3, 2, 9, 30))
    reading(UserFactory(), "HAPPY", datetime.datetime(2026, 3, 2, 9, 30))
    client.force_login(user)

    response = client.get("/history/export.csv")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="cloudscendo-history-')
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert rows == [{"id": str(capture.id), "created_at": "2026-03-02T09:30:00+00:00", "source": "manual",
                     "status": "done", "emotion": "SAD", "confidence": "100.0", "strategy": "match",
                     **{name: "100.0" if name == "SAD" else "0.0" for name in Emotion.values}}]


def test_the_json_export_follows_the_filters(client):
    user = UserFactory()
    readings_bulk(user, [("SAD", datetime.datetime(2026, 3, 2, 9)), ("HAPPY", datetime.datetime(2026, 3, 3, 9))])
    client.force_login(user)

    body = json.loads(client.get("/history/export.json", {"emotion": "HAPPY"}).content)

    assert [(row["emotion"], row["created_at"]) for row in body["captures"]] == [("HAPPY", "2026-03-03T09:00:00Z")]


def test_deleting_one_capture_asks_first_then_removes_it_and_its_photo(client, django_capture_on_commit_callbacks):
    capture = MoodCaptureFactory()
    client.force_login(capture.user)

    confirm = client.get(f"/captures/{capture.id}/delete/")
    assert MoodCapture.objects.filter(id=capture.id).exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/captures/{capture.id}/delete/")

    assert "Delete this capture?" in confirm.content.decode()
    assert response["Location"] == "/history/"
    assert not MoodCapture.objects.exists()
    assert stored_files() == []


def test_deleting_someone_elses_capture_is_not_found_and_changes_nothing(client, django_capture_on_commit_callbacks):
    capture = MoodCaptureFactory()
    client.force_login(UserFactory())

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/captures/{capture.id}/delete/")

    assert response.status_code == 404
    assert MoodCapture.objects.filter(id=capture.id).exists()
    assert stored_files() == [capture.image.name]


def test_deleting_everything_asks_first_then_removes_every_capture_and_photo(client,
                                                                            django_capture_on_commit_callbacks):
    mine = MoodCaptureFactory()
    MoodCaptureFactory(user=mine.user)
    theirs = MoodCaptureFactory()
    client.force_login(mine.user)

    confirm = client.get("/history/delete/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/history/delete/", follow=True)

    assert "All 2 of your captures" in confirm
    assert "2 captures and their photos are deleted." in response.content.decode()
    assert list(MoodCapture.objects.all()) == [theirs]
    assert stored_files() == [theirs.image.name]


def test_deleting_everything_needs_a_post(client):
    capture = MoodCaptureFactory()
    client.force_login(capture.user)

    client.get("/history/delete/")

    assert MoodCapture.objects.count() == 1


def test_the_staff_page_counts_across_users_without_names(client):
    staff = UserFactory(is_staff=True, username="staffer")
    listener = UserFactory(username="private-listener")
    reading(listener, "SAD", datetime.datetime.now() - datetime.timedelta(days=1))
    loved, other = TrackFactory(name="Loved Song", artist="A"), TrackFactory(name="Other Song", artist="B")
    capture = DoneCaptureFactory(user=listener)
    playlist = playlist_create(capture=capture, strategy="match")
    for rank, (track, feedback) in enumerate([(loved, "like"), (other, ""), (loved, "like")], start=1):
        Recommendation.objects.create(playlist=playlist, capture=capture, user=listener, track=track, rank=rank,
                                      score=1.0, reason="r", feedback=feedback)
    client.force_login(staff)

    page = client.get("/history/site/").content.decode()

    assert page.count("<li>Loved Song — A (2)</li>") == 2  # most recommended and most liked
    assert "<li>Other Song — B (1)</li>" in page
    assert "private-listener" not in page
    assert '<script id="by-day-data" type="application/json">' in page


def test_the_staff_page_is_for_staff_only(client):
    client.force_login(UserFactory())

    response = client.get("/history/site/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
