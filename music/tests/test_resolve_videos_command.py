"""manage.py resolve_videos: looks songs Spotify cannot play up until the limit, budget or quota, and says so."""

import datetime
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from googleapiclient.http import HttpMockSequence

from music.models import Track
from music.tests.factories import TrackFactory
from music.videos import PACIFIC

pytestmark = pytest.mark.django_db
# No top-level "message": the adapter still finds the reason in the body.
QUOTA = json.dumps({"error": {"code": 403, "errors": [{"reason": "quotaExceeded", "message": "quota"}]}})


def run(*args) -> str:
    out = StringIO()
    call_command("resolve_videos", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture(autouse=True)
def ten_am_pacific(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: datetime.datetime(2026, 12, 1, 10, tzinfo=PACIFIC))


def test_the_command_looks_up_songs_until_the_quota_runs_out(youtube):
    sequence = HttpMockSequence([({"status": "200"}, json.dumps({"items": [{"id": {"videoId": "CvFH_6DNRCY"}}]})),
                                 ({"status": "200"}, json.dumps({"items": []})), ({"status": "403"}, QUOTA)])
    youtube(sequence)
    for popularity in (90, 80, 70, 60):
        TrackFactory(popularity=popularity, spotify_id=None)

    out = run("--limit", "10")

    assert out.splitlines()[0] == "refreshed 0, found 1, no video 1, not looked up 2"
    assert out.splitlines()[1] == ("left of today's budget: 97 searches, 9700 units "
                                   "(renewed at 2026-12-02T00:00:00-08:00)")
    assert out.splitlines()[2].startswith("YouTube quota spent: no calls until ")
    assert list(Track.objects.order_by("-popularity").values_list("video_state", flat=True)) == [
        "found", "missing", "unknown", "unknown"]


def test_the_command_skips_songs_spotify_plays_and_stops_at_the_daily_budget(youtube, settings):
    settings.YOUTUBE_SEARCH_DAILY_LIMIT = 1
    sequence = HttpMockSequence([({"status": "200"}, json.dumps({"items": [{"id": {"videoId": "CvFH_6DNRCY"}}]}))])
    youtube(sequence)
    spotify = TrackFactory(popularity=99)
    first, second = TrackFactory(popularity=90, spotify_id=None), TrackFactory(popularity=80, spotify_id=None)

    out = run("--limit", "10")

    assert out == ("refreshed 0, found 1, no video 0, not looked up 1\n"
                   "left of today's budget: 0 searches, 9900 units (renewed at 2026-12-02T00:00:00-08:00)\n")
    assert list(sequence._iterable) == []
    states = dict(Track.objects.values_list("id", "video_state"))
    assert (states[spotify.id], states[first.id], states[second.id]) == ("unknown", "found", "unknown")


def test_offline_the_command_says_it_looks_nothing_up(settings):
    settings.VIDEO_BACKEND = "offline"
    TrackFactory()

    assert run() == "VIDEO_BACKEND=offline: nothing is looked up; songs link to a YouTube search.\n"
    assert Track.objects.get().video_state == "unknown"
