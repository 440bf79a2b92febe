"""A capture is done only with its first song list: both are stored in the one transaction that ends it."""

import pytest

from accounts.tests.factories import UserFactory
from moods import services as mood_services
from moods.emotion import Analysis, FaceEmotions
from moods.models import MoodCapture
from moods.tests.factories import MoodCaptureFactory
from music import selectors
from music.models import Playlist, Recommendation
from music.services import recommendations
from music.tests.factories import TrackFactory

pytestmark = pytest.mark.django_db

HAPPY = {"HAPPY": 96.0, "SAD": 1.0, "ANGRY": 0.5, "DISGUSTED": 0.5, "SURPRISED": 1.0, "CALM": 1.0, "FEAR": 0.0}


class HappyDetector:
    """Reads one happy face on any photo (the real detector has its own tests)."""

    def detect(self, image: bytes, *, storage_name: str | None = None) -> Analysis:
        return Analysis(faces=(FaceEmotions(box=(0.2, 0.2, 0.5, 0.5), scores=HAPPY),), width=512, height=512,
                        model="test")


@pytest.fixture
def catalogue():
    return TrackFactory.create_batch(12, valence=0.8, energy=0.7, mood="happy")


def _songs(capture_id: int) -> list[tuple[str, int]]:
    return list(Recommendation.objects.filter(capture_id=capture_id).values_list("playlist__status", "rank"))


def test_an_analysed_capture_is_done_with_its_list_before_anything_runs_after_commit(
        catalogue, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(mood_services, "get_detector", HappyDetector)
    capture = MoodCaptureFactory()

    with django_capture_on_commit_callbacks(execute=False):  # nothing after commit: no task, no hook
        mood_services.capture_analyse(capture_id=capture.id)
        capture.refresh_from_db()
        playlists = list(Playlist.objects.filter(capture=capture).values_list("status", "emotion", "attempts"))
        songs = _songs(capture.id)

    assert (capture.status, capture.emotion) == ("done", "HAPPY")
    assert playlists == [("ready", "HAPPY", 1)]
    assert songs == [("ready", rank) for rank in range(1, 11)]


def test_a_mood_picked_by_hand_is_done_with_its_list_in_the_request(catalogue, client):
    client.force_login(UserFactory())

    body = client.post("/capture/mood/", {"emotion": "HAPPY"}, HTTP_ACCEPT="application/json").json()

    assert (body["status"], body["pending"]) == ("done", False)
    assert list(Playlist.objects.filter(capture_id=body["id"]).values_list("status", flat=True)) == ["ready"]
    assert len(_songs(body["id"])) == 10


def test_the_songs_list_after_done_shows_that_list_and_makes_no_second_one(catalogue, client):
    client.force_login(UserFactory())
    body = client.post("/capture/mood/", {"emotion": "HAPPY"}, HTTP_ACCEPT="application/json").json()

    first = client.get(body["songs_list_url"])
    again = client.get(body["songs_url"])

    assert (first.status_code, again.status_code) == (200, 200)
    assert first.content.count(b" data-song ") == 10
    assert Playlist.objects.filter(capture_id=body["id"]).count() == 1


def test_a_ranking_that_fails_keeps_the_reading_and_leaves_a_failed_list_to_retry(
        catalogue, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(mood_services, "get_detector", HappyDetector)

    def broken(request):
        raise ZeroDivisionError("a bug in ranking")

    monkeypatch.setattr(selectors, "recommendations_compute", broken)
    capture = MoodCaptureFactory()

    mood_services.capture_analyse(capture_id=capture.id)

    capture.refresh_from_db()
    failed = selectors.playlist_current(capture_id=capture.id)
    assert (capture.status, capture.emotion) == ("done", "HAPPY")
    assert (failed.status, failed.error, _songs(capture.id)) == ("failed", recommendations.GAVE_UP_MESSAGE, [])
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        retried = recommendations.playlist_retry(capture=capture)
    assert Playlist.objects.get(id=retried.id).status == "ready"


def test_a_capture_deleted_during_its_analysis_stores_no_list(catalogue, monkeypatch):
    capture = MoodCaptureFactory()

    class DeletingDetector(HappyDetector):
        def detect(self, image: bytes, *, storage_name: str | None = None) -> Analysis:
            MoodCapture.objects.filter(id=capture.id).delete()
            return super().detect(image)

    monkeypatch.setattr(mood_services, "get_detector", DeletingDetector)

    mood_services.capture_analyse(capture_id=capture.id)

    assert (MoodCapture.objects.count(), Playlist.objects.count(), Recommendation.objects.count()) == (0, 0, 0)
