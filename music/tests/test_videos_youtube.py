"""The YouTube adapter and the video services, through googleapiclient's HttpMock and HttpMockSequence."""

import datetime
import json

import pytest
from django.utils import timezone
from googleapiclient.http import HttpMock, HttpMockSequence

from music.models import QuotaPause, Track
from music.services import videos as video_services
from music.tasks import track_videos_resolve_task
from music.tests.factories import TrackFactory
from music.videos import BackendUnavailable
from music.videos.youtube import quota_reset_after

pytestmark = pytest.mark.django_db
FOUND = {"items": [{"id": {"videoId": "CvFH_6DNRCY"}}]}


def error(status: int, reason: str) -> tuple[dict, str]:
    body = {"error": {"code": status, "message": reason, "errors": [{"reason": reason, "message": reason}]}}
    return {"status": str(status)}, json.dumps(body)


def test_a_search_asks_for_one_embeddable_music_video_and_stores_its_id(youtube, tmp_path):
    (tmp_path / "search.json").write_text(json.dumps(FOUND))
    http = youtube(HttpMock(str(tmp_path / "search.json"), {"status": "200"}))
    track = TrackFactory(name="Clair de Lune", artist="Claude Debussy")

    state = video_services.track_video_resolve(track_id=track.id)

    assert state == "found"
    assert http.uri.startswith("https://youtube.googleapis.com/youtube/v3/search?")
    for part in ("part=id", "type=video", "videoEmbeddable=true", "videoCategoryId=10", "maxResults=1",
                 "fields=items%2Fid%2FvideoId", "key=test-key", "q=Claude+Debussy+%22Clair+de+Lune%22"):
        assert part in http.uri
    track.refresh_from_db()
    assert (track.video_id, track.video_state) == ("CvFH_6DNRCY", "found")
    assert timezone.now() - track.video_checked_at < datetime.timedelta(seconds=5)


def test_no_result_marks_the_song_as_having_no_video(youtube):
    youtube(HttpMockSequence([({"status": "200"}, json.dumps({"items": []}))]))
    track = TrackFactory()

    assert video_services.track_video_resolve(track_id=track.id) == "missing"
    assert Track.objects.values_list("video_id", "video_state").get() == ("", "missing")


def test_quota_exceeded_pauses_every_call_until_midnight_pacific(youtube):
    sequence = youtube(HttpMockSequence([error(403, "quotaExceeded")]))
    first, second = TrackFactory(), TrackFactory()

    video_services.track_video_resolve(track_id=first.id)
    video_services.track_video_resolve(track_id=second.id)  # would raise IndexError if it called again

    pause = QuotaPause.objects.get(name="youtube")
    assert pause.until == quota_reset_after(timezone.now())
    assert pause.until.astimezone(datetime.UTC).hour in (7, 8)  # midnight PDT or PST
    assert list(Track.objects.values_list("video_state", flat=True)) == ["unknown", "unknown"]
    assert list(sequence._iterable) == []


def test_after_the_reset_calls_resume(youtube):
    youtube(HttpMockSequence([({"status": "200"}, json.dumps(FOUND))]))
    QuotaPause.objects.create(name="youtube", until=timezone.now() - datetime.timedelta(minutes=1))
    track = TrackFactory()

    assert video_services.track_video_resolve(track_id=track.id) == "found"


@pytest.mark.parametrize(("status", "reason"), [(500, "backendError"), (503, "backendError"),
                                                (429, "tooManyRequests"), (403, "rateLimitExceeded")])
def test_transient_errors_are_raised_for_a_retry_and_change_nothing(youtube, status, reason):
    youtube(HttpMockSequence([error(status, reason)]))
    track = TrackFactory()

    with pytest.raises(BackendUnavailable):
        video_services.track_video_resolve(track_id=track.id)

    assert Track.objects.values_list("video_state", "video_checked_at").get() == ("unknown", None)
    assert not QuotaPause.objects.exists()


def test_the_task_retries_a_transient_error_and_then_stores_the_video(youtube):
    youtube(HttpMockSequence([error(503, "backendError"), ({"status": "200"}, json.dumps(FOUND))]))
    track = TrackFactory()

    track_videos_resolve_task.apply(args=[[track.id]])

    assert Track.objects.values_list("video_id", "video_state").get() == ("CvFH_6DNRCY", "found")


def test_a_bad_key_is_permanent_and_marks_no_video(youtube):
    youtube(HttpMockSequence([error(400, "keyInvalid")]))
    track = TrackFactory()

    assert video_services.track_video_resolve(track_id=track.id) == "missing"


def test_stale_videos_are_rechecked_with_videos_list_and_gone_ones_dropped(youtube):
    http = youtube(HttpMockSequence([({"status": "200"}, json.dumps({"items": [
        {"id": "aliveaaaaaa", "status": {"embeddable": True, "privacyStatus": "public"}},
        {"id": "privatebbbb", "status": {"embeddable": True, "privacyStatus": "private"}}]}))]))
    old = timezone.now() - datetime.timedelta(days=31)
    alive = TrackFactory(video_id="aliveaaaaaa", video_state="found", video_checked_at=old)
    private = TrackFactory(video_id="privatebbbb", video_state="found", video_checked_at=old)
    removed = TrackFactory(video_id="removedcccc", video_state="found", video_checked_at=old)
    fresh = TrackFactory(video_id="freshdddddd", video_state="found", video_checked_at=timezone.now())

    checked = video_services.videos_refresh(limit=100)

    assert checked == 3
    assert list(http._iterable) == []
    states = dict(Track.objects.values_list("id", "video_state"))
    assert (states[alive.id], states[private.id], states[removed.id], states[fresh.id]) == (
        "found", "unknown", "unknown", "found")
    alive.refresh_from_db()
    assert alive.video_checked_at > old


def test_the_offline_backend_looks_nothing_up(settings):
    settings.VIDEO_BACKEND = "offline"
    track = TrackFactory()

    assert video_services.track_video_resolve(track_id=track.id) == "unknown"
    assert video_services.tracks_videos_enqueue(track_ids=[track.id], prefer_youtube=True) == 0


def test_a_look_up_whose_turn_is_far_off_is_retried_later_and_spends_no_budget(youtube, settings, monkeypatch):
    # The shared bucket paces searches; a worker does not hold the look-up (or its slot) while it waits.
    from cloudscendo import ratelimit
    from music.models import QuotaDay

    monkeypatch.setattr(ratelimit, "_local_buckets", {})  # this test's bucket, gone after it
    youtube(HttpMockSequence([]))  # any call to YouTube would fail with IndexError
    settings.YOUTUBE_SEARCH_RATE = 0.1  # one search every 10 s
    track = TrackFactory()
    ratelimit.slot_take("youtube-search", rate=0.1, max_wait=10)  # another worker just took the turn

    with pytest.raises(BackendUnavailable, match="paced"):
        video_services.track_video_resolve(track_id=track.id)

    assert Track.objects.values_list("video_state", flat=True).get() == "unknown"
    assert not QuotaDay.objects.filter(search_calls__gt=0).exists()


def test_the_look_up_task_is_not_rate_limited_by_celery():
    # Celery's rate_limit held messages inside the worker (see music.services.videos._search_turn_wait).
    assert track_videos_resolve_task.rate_limit is None
