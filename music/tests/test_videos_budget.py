"""The daily YouTube budget (search calls and units per Pacific day) and who gets songs looked up."""

import datetime
import json
import threading

import pytest
from django.db import connection
from django.utils import timezone
from googleapiclient.http import HttpMock, HttpMockSequence

from accounts.tests.factories import UserFactory
from music.models import Playlist, QuotaDay, QuotaPause, Track
from music.selectors import video_budget_left
from music.services import recommendations
from music.services import videos as video_services
from music.tests.factories import DoneCaptureFactory, TrackFactory
from music.videos import PACIFIC

pytestmark = pytest.mark.django_db
FOUND = {"items": [{"id": {"videoId": "CvFH_6DNRCY"}}]}
OK = ({"status": "200"}, json.dumps(FOUND))


def at(monkeypatch, *args) -> datetime.datetime:
    """Set the clock to a Pacific wall time."""
    instant = datetime.datetime(*args, tzinfo=PACIFIC)
    monkeypatch.setattr(timezone, "now", lambda: instant)
    return instant


def spent() -> list[tuple]:
    return list(QuotaDay.objects.order_by("day").values_list("name", "day", "search_calls", "units"))


def test_search_stops_at_the_daily_limit_and_the_song_keeps_its_search_link(youtube, settings, monkeypatch):
    settings.YOUTUBE_SEARCH_DAILY_LIMIT = 2
    sequence = youtube(HttpMockSequence([OK, OK]))
    at(monkeypatch, 2026, 12, 1, 10, 0)
    tracks = [TrackFactory(spotify_id=None) for _ in range(3)]

    states = [video_services.track_video_resolve(track_id=track.id) for track in tracks]

    assert states == ["found", "found", "unknown"]  # a third call would raise IndexError on the empty sequence
    assert list(sequence._iterable) == []
    assert spent() == [("youtube", datetime.date(2026, 12, 1), 2, 200)]
    assert Track.objects.get(id=tracks[2].id).video_id == ""
    assert video_budget_left() == {"searches": 0, "units": 9_800}


def test_a_search_counts_100_units_and_stops_when_the_units_would_run_out(youtube, settings, monkeypatch):
    settings.YOUTUBE_DAILY_UNITS = 250
    youtube(HttpMockSequence([OK, OK]))
    at(monkeypatch, 2026, 12, 1, 10, 0)
    tracks = [TrackFactory(spotify_id=None) for _ in range(3)]

    states = [video_services.track_video_resolve(track_id=track.id) for track in tracks]

    assert states == ["found", "found", "unknown"]
    assert spent() == [("youtube", datetime.date(2026, 12, 1), 2, 200)]
    assert video_budget_left() == {"searches": 98, "units": 50}


def test_the_refresh_spends_one_unit_per_50_ids_and_stops_when_units_run_out(youtube, settings, monkeypatch):
    settings.YOUTUBE_DAILY_UNITS = 1
    sequence = youtube(HttpMockSequence([({"status": "200"}, json.dumps({"items": []}))]))
    at(monkeypatch, 2026, 12, 1, 10, 0)
    old = timezone.now() - datetime.timedelta(days=31)
    for n in range(51):
        TrackFactory(video_id=f"v{n:010d}", video_state="found", video_checked_at=old)

    checked = video_services.videos_refresh(limit=100)

    assert checked == 50  # the second batch of 1 id would need a second unit
    assert list(sequence._iterable) == []
    assert spent() == [("youtube", datetime.date(2026, 12, 1), 0, 1)]


def test_the_conditional_update_refuses_the_call_past_the_limit(settings, monkeypatch):
    settings.YOUTUBE_SEARCH_DAILY_LIMIT, settings.YOUTUBE_DAILY_UNITS = 3, 10_000
    at(monkeypatch, 2026, 12, 1, 10, 0)
    # A second worker read the row when 2 of 3 were spent; both now ask for the last call.
    QuotaDay.objects.create(name="youtube", day=datetime.date(2026, 12, 1), search_calls=2, units=200)

    first = video_services.video_budget_spend(search_calls=1, units=100)
    second = video_services.video_budget_spend(search_calls=1, units=100)

    assert (first, second) == (True, False)
    assert spent() == [("youtube", datetime.date(2026, 12, 1), 3, 300)]


# On PostgreSQL, where workers race in production: SQLite lets one writer in at a time, and under
# load a thread can wait out its lock timeout ("database is locked"), which is no test of the UPDATE.
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_workers_racing_for_the_last_searches_cannot_overspend(settings):
    settings.YOUTUBE_SEARCH_DAILY_LIMIT, settings.YOUTUBE_DAILY_UNITS = 5, 10_000
    video_services.video_budget_spend(search_calls=0, units=0)  # today's row, so the threads only update
    start, results = threading.Barrier(8), []

    def worker():
        start.wait()
        try:
            results.append(video_services.video_budget_spend(search_calls=1, units=100))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results) == [False, False, False, True, True, True, True, True]
    assert QuotaDay.objects.values_list("search_calls", "units").get() == (5, 500)


def test_the_budget_renews_at_midnight_pacific(youtube, settings, monkeypatch):
    settings.YOUTUBE_SEARCH_DAILY_LIMIT = 1
    youtube(HttpMockSequence([OK, OK]))
    tracks = [TrackFactory(spotify_id=None) for _ in range(3)]

    at(monkeypatch, 2026, 12, 1, 23, 58)  # already 2 December in UTC: the day must follow Pacific time
    before = [video_services.track_video_resolve(track_id=track.id) for track in tracks[:2]]
    at(monkeypatch, 2026, 12, 2, 0, 0)
    after = video_services.track_video_resolve(track_id=tracks[2].id)

    assert (before, after) == (["found", "unknown"], "found")
    assert spent() == [("youtube", datetime.date(2026, 12, 1), 1, 100), ("youtube", datetime.date(2026, 12, 2), 1, 100)]


def test_quota_exceeded_still_pauses_and_counts_the_call(youtube, monkeypatch):
    body = {"error": {"code": 403, "message": "quota", "errors": [{"reason": "quotaExceeded", "message": "quota"}]}}
    sequence = youtube(HttpMockSequence([({"status": "403"}, json.dumps(body))]))
    at(monkeypatch, 2026, 12, 1, 10, 0)
    first, second = TrackFactory(spotify_id=None), TrackFactory(spotify_id=None)

    states = [video_services.track_video_resolve(track_id=first.id),
              video_services.track_video_resolve(track_id=second.id)]

    assert states == ["unknown", "unknown"]
    assert list(sequence._iterable) == []
    assert QuotaPause.objects.get(name="youtube").until == datetime.datetime(2026, 12, 2, tzinfo=PACIFIC)
    assert spent() == [("youtube", datetime.date(2026, 12, 1), 1, 100)]  # invalid calls cost too; the second never ran


@pytest.mark.parametrize("prefer_youtube", [False, True])
def test_enqueue_skips_spotify_songs_unless_the_listener_prefers_youtube(youtube, prefer_youtube,
                                                                         django_capture_on_commit_callbacks):
    spotify, other = TrackFactory(), TrackFactory(spotify_id=None)
    TrackFactory(spotify_id=None, video_state="missing")

    with django_capture_on_commit_callbacks() as callbacks:
        queued = video_services.tracks_videos_enqueue(track_ids=Track.objects.values_list("id", flat=True),
                                                      prefer_youtube=prefer_youtube)

    expected = [other.id, spotify.id] if prefer_youtube else [other.id]
    assert queued == len(expected)
    assert len(callbacks) == 1
    assert sorted(callbacks[0].args[1]) == sorted(expected)


@pytest.mark.parametrize(("player", "looked_up"), [("auto", "no spotify id"), ("spotify", "no spotify id"),
                                                   ("youtube", "all")])
def test_a_built_list_looks_up_spotify_songs_only_for_a_listener_who_prefers_youtube(
        youtube, tmp_path, player, looked_up, django_capture_on_commit_callbacks):
    (tmp_path / "search.json").write_text(json.dumps(FOUND))
    youtube(HttpMock(str(tmp_path / "search.json"), {"status": "200"}))
    tracks = [TrackFactory(spotify_id=None if n < 3 else f"{n:022d}") for n in range(10)]
    capture = DoneCaptureFactory(user=UserFactory(player=player), emotion="CALM")
    playlist = Playlist.objects.create(capture=capture, user=capture.user, emotion="CALM", strategy="match")

    with django_capture_on_commit_callbacks(execute=True):
        recommendations.playlist_build(playlist_id=playlist.id)

    assert playlist.recommendations.count() == 10
    found = set(Track.objects.filter(video_state="found").values_list("id", flat=True))
    expected = {track.id for track in (tracks[:3] if looked_up == "no spotify id" else tracks)}
    assert found == expected
    assert QuotaDay.objects.values_list("search_calls", flat=True).get() == len(expected)
