"""The songs page while a cloud service is out: Kendra down, the YouTube quota spent. No error reaches the user."""

import datetime
import json

import pytest
from django.utils import timezone
from googleapiclient.http import HttpMockSequence

from music.models import Playlist, QuotaPause, Track
from music.tests.factories import DoneCaptureFactory
from music.videos.youtube import YouTubeVideos

# Transactional, as in production: the build queued at commit runs in-process before the page renders.
pytestmark = pytest.mark.django_db(transaction=True)


def test_a_search_while_kendra_is_down_shows_songs_from_the_local_index_and_says_so(client, kendra,
                                                                                 starter_catalogue):
    kendra.add_client_error("query", service_error_code="InternalServerException", http_status_code=500)
    capture = DoneCaptureFactory(emotion="SAD")
    client.force_login(capture.user)

    response = client.post(f"/captures/{capture.id}/songs/change/", {"action": "search", "q": "everybody hurts"},
                           follow=True)

    page = response.content.decode()
    playlist = Playlist.objects.filter(capture=capture).latest("id")
    assert (response.status_code, playlist.status, playlist.source) == (200, "ready", "local_fallback")
    assert playlist.recommendations.get(rank=1).track.name == "Everybody Hurts"
    assert page.count("data-song ") == 10
    assert "Search is running on our local index for now" in page


def test_with_the_youtube_quota_spent_the_page_links_to_searches_and_calls_nothing(client, settings, monkeypatch,
                                                                                   starter_catalogue):
    settings.VIDEO_BACKEND, settings.YOUTUBE_API_KEY = "youtube", "test-key"
    answers = HttpMockSequence([({"status": "200"}, json.dumps({"items": [{"id": {"videoId": "CvFH_6DNRCY"}}]}))])
    monkeypatch.setattr(YouTubeVideos, "http_factory", staticmethod(lambda: answers))
    QuotaPause.objects.create(name="youtube", until=timezone.now() + datetime.timedelta(hours=3))
    capture = DoneCaptureFactory(emotion="HAPPY")
    client.force_login(capture.user)

    response = client.get(f"/captures/{capture.id}/songs/")

    page = response.content.decode()
    playlist = Playlist.objects.get(capture=capture)
    assert (response.status_code, playlist.status) == (200, "ready")
    assert page.count(">Search YouTube<") == 10
    assert page.count("https://www.youtube.com/results?search_query=") >= 10
    assert "youtube-nocookie.com/embed/" not in page
    track_ids = playlist.recommendations.values_list("track_id", flat=True)
    assert set(Track.objects.filter(id__in=track_ids).values_list("video_state", flat=True)) == {"unknown"}
    assert len(answers._iterable) == 1  # YouTube was never asked
