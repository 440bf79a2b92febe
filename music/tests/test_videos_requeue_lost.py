"""The video look-ups' sweeper: songs on recent lists whose look-up send was lost (broker down) are looked up."""

import datetime
import json

import pytest
from django.utils import timezone
from googleapiclient.http import HttpMockSequence

from accounts.tests.factories import UserFactory
from music.models import Playlist, QuotaPause, Recommendation, Track
from music.services import videos as video_services
from music.tests.factories import DoneCaptureFactory, TrackFactory

pytestmark = pytest.mark.django_db
FOUND = ({"status": "200"}, json.dumps({"items": [{"id": {"videoId": "CvFH_6DNRCY"}}]}))


def _song_on_a_list_built(ago: datetime.timedelta, **track_fields) -> Track:
    capture = DoneCaptureFactory(user=UserFactory())
    playlist = Playlist.objects.create(capture=capture, user=capture.user, emotion="CALM", strategy="match",
                                       status=Playlist.Status.READY, started_at=timezone.now() - ago)
    track = TrackFactory(**{"spotify_id": None, **track_fields})
    Recommendation.objects.create(playlist=playlist, capture=capture, user=capture.user, track=track, rank=1,
                                  score=0.9, reason="fits")
    return track


def test_a_song_never_looked_up_on_a_list_built_an_hour_ago_is_looked_up(youtube, django_capture_on_commit_callbacks):
    youtube(HttpMockSequence([FOUND]))  # one search: a second call would raise on the empty sequence
    lost = _song_on_a_list_built(datetime.timedelta(hours=1))
    just_built = _song_on_a_list_built(datetime.timedelta(minutes=1))  # its look-up may still be on its way
    too_old = _song_on_a_list_built(datetime.timedelta(days=2))
    on_spotify = _song_on_a_list_built(datetime.timedelta(hours=1), spotify_id="4uLU6hMCjMI75M1A2tKUQC")

    with django_capture_on_commit_callbacks(execute=True):
        sent = video_services.videos_requeue_lost()

    assert sent == 1
    assert Track.objects.get(id=lost.id).video_state == "found"
    assert [Track.objects.get(id=track.id).video_state for track in (just_built, too_old, on_spotify)] == \
        ["unknown", "unknown", "unknown"]


def test_nothing_is_sent_while_youtube_is_paused(youtube, django_capture_on_commit_callbacks):
    youtube(HttpMockSequence([]))
    _song_on_a_list_built(datetime.timedelta(hours=1))
    QuotaPause.objects.create(name="youtube", until=timezone.now() + datetime.timedelta(hours=3), reason="quota")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert video_services.videos_requeue_lost() == 0
    assert callbacks == []


def test_with_the_offline_backend_nothing_is_looked_up(settings):
    settings.VIDEO_BACKEND = "offline"
    _song_on_a_list_built(datetime.timedelta(hours=1))

    assert video_services.videos_requeue_lost() == 0
