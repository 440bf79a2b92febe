"""manage.py resolve_videos: looks songs up until the limit or the quota, and says which stopped it."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from googleapiclient.http import HttpMockSequence

from music.models import Track
from music.tests.factories import TrackFactory
from music.videos.youtube import YouTubeVideos

pytestmark = pytest.mark.django_db
# No top-level "message": the adapter still finds the reason in the body.
QUOTA = json.dumps({"error": {"code": 403, "errors": [{"reason": "quotaExceeded", "message": "quota"}]}})


def run(*args) -> str:
    out = StringIO()
    call_command("resolve_videos", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_the_command_looks_up_songs_until_the_quota_runs_out(settings, monkeypatch):
    settings.VIDEO_BACKEND, settings.YOUTUBE_API_KEY = "youtube", "test-key"
    sequence = HttpMockSequence([({"status": "200"}, json.dumps({"items": [{"id": {"videoId": "CvFH_6DNRCY"}}]})),
                                 ({"status": "200"}, json.dumps({"items": []})), ({"status": "403"}, QUOTA)])
    monkeypatch.setattr(YouTubeVideos, "http_factory", staticmethod(lambda: sequence))
    for popularity in (90, 80, 70, 60):
        TrackFactory(popularity=popularity)

    out = run("--limit", "10")

    assert out.splitlines()[0] == "refreshed 0, found 1, no video 1, not looked up 2"
    assert out.splitlines()[1].startswith("YouTube quota spent: no calls until ")
    assert list(Track.objects.order_by("-popularity").values_list("video_state", flat=True)) == [
        "found", "missing", "unknown", "unknown"]


def test_offline_the_command_says_it_looks_nothing_up(settings):
    settings.VIDEO_BACKEND = "offline"
    TrackFactory()

    assert run() == "VIDEO_BACKEND=offline: nothing is looked up; songs link to a YouTube search.\n"
    assert Track.objects.get().video_state == "unknown"
