"""services.capture_analyse: one claim per capture, the reading stored, photos dropped when the user says so."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from accounts.tests.factories import UserFactory
from moods import services
from moods.emotion import Analysis, BackendUnavailable, FaceEmotions, InputRejected
from moods.models import MoodCapture
from moods.tests.factories import MoodCaptureFactory, stored_files
from moods.tests.images import blank_jpeg

pytestmark = pytest.mark.django_db

DONE_CALLS: list[int] = []


def record_done(*, capture):
    """A done hook like the music app's: what it returns runs inside the transaction that ends the capture."""
    return lambda: DONE_CALLS.append(capture.id)


@pytest.fixture
def done_calls(monkeypatch):
    DONE_CALLS.clear()
    monkeypatch.setattr(services, "DONE_HOOKS", (f"{__name__}.record_done",))
    return DONE_CALLS


class FixedDetector:
    """Answers with a given Analysis or raises a given error (the real backends have their own tests)."""

    def __init__(self, outcome):
        self.outcome = outcome

    def detect(self, image: bytes, *, storage_name: str | None = None) -> Analysis:
        if isinstance(self.outcome, Exception):
            raise self.outcome
        return self.outcome


def _use_detector(monkeypatch, outcome) -> None:
    monkeypatch.setattr(services, "get_detector", lambda: FixedDetector(outcome))


def test_a_queued_capture_is_read_by_the_local_model_and_the_done_hooks_fire_after_commit(
        done_calls, django_capture_on_commit_callbacks):
    capture = MoodCaptureFactory()

    with django_capture_on_commit_callbacks(execute=True):
        services.capture_analyse(capture_id=capture.id)

    capture.refresh_from_db()
    assert (capture.status, capture.emotion, capture.face_count, capture.backend, capture.attempts, capture.error) == (
        "done", "HAPPY", 1, "local", 1, "")
    assert capture.model == "face-api 1.7.15 (landmark 68 + expression)"
    assert capture.confidence > 90
    assert capture.confidence == max(capture.scores.values())
    # the seven the model scores; no CONFUSED, which it cannot say
    assert sorted(capture.scores) == sorted(["HAPPY", "SAD", "ANGRY", "DISGUSTED", "SURPRISED", "CALM", "FEAR"])
    assert capture.faces[0]["scores"] == capture.scores
    assert capture.started_at <= capture.finished_at
    assert done_calls == [capture.id]


def test_a_second_delivery_does_nothing(done_calls, django_capture_on_commit_callbacks, monkeypatch):
    capture = MoodCaptureFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.capture_analyse(capture_id=capture.id)
    before = MoodCapture.objects.values().get(id=capture.id)
    _use_detector(monkeypatch, InputRejected("must not be called"))

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.capture_analyse(capture_id=capture.id)

    assert MoodCapture.objects.values().get(id=capture.id) == before
    assert callbacks == []
    assert done_calls == [capture.id]


def test_a_capture_being_analysed_elsewhere_is_not_claimed_again(monkeypatch):
    capture = MoodCaptureFactory(status="analysing", attempts=1)
    _use_detector(monkeypatch, InputRejected("must not be called"))

    services.capture_analyse(capture_id=capture.id)

    capture.refresh_from_db()
    assert (capture.status, capture.attempts, capture.error) == ("analysing", 1, "")


def test_a_photo_without_a_face_ends_as_no_face_and_fires_no_hook(done_calls, django_capture_on_commit_callbacks):
    capture = MoodCaptureFactory(image=ContentFile(blank_jpeg(), name="photos/wall.jpg"))

    with django_capture_on_commit_callbacks(execute=True):
        services.capture_analyse(capture_id=capture.id)

    capture.refresh_from_db()
    assert (capture.status, capture.emotion, capture.confidence, capture.face_count, capture.error) == (
        "no_face", "", 0.0, 0, "")
    assert done_calls == []


def test_a_face_without_a_usable_emotion_ends_as_no_face_with_a_reason(monkeypatch):
    capture = MoodCaptureFactory()
    _use_detector(monkeypatch, Analysis(faces=(FaceEmotions(box=(0.1, 0.1, 0.5, 0.5), scores={}),), width=9, height=9,
                                             model="test"))

    services.capture_analyse(capture_id=capture.id)

    capture.refresh_from_db()
    assert (capture.status, capture.face_count, capture.error) == (
        "no_face", 1, "A face was found but its expression could not be read.")


def test_a_rejected_image_ends_as_failed_with_the_backend_message(monkeypatch):
    capture = MoodCaptureFactory()
    _use_detector(monkeypatch, InputRejected("The emotion service cannot read this image format."))

    services.capture_analyse(capture_id=capture.id)

    capture.refresh_from_db()
    assert (capture.status, capture.error, capture.attempts) == (
        "failed", "The emotion service cannot read this image format.", 1)


def test_an_unavailable_backend_puts_the_capture_back_in_the_queue_and_raises(monkeypatch):
    capture = MoodCaptureFactory()
    _use_detector(monkeypatch, BackendUnavailable("Rekognition is unavailable (ThrottlingException)."))

    with pytest.raises(BackendUnavailable):
        services.capture_analyse(capture_id=capture.id)

    capture.refresh_from_db()
    assert (capture.status, capture.attempts, capture.error) == ("queued", 1, "")


def test_giving_up_ends_a_queued_capture_as_failed_but_leaves_a_finished_one_alone():
    queued, done = MoodCaptureFactory(), MoodCaptureFactory(status="done", emotion="SAD")

    assert services.capture_give_up(capture_id=queued.id) is True
    assert services.capture_give_up(capture_id=done.id) is False

    queued.refresh_from_db()
    done.refresh_from_db()
    assert (queued.status, queued.error) == ("failed", services.GAVE_UP_MESSAGE)
    assert (done.status, done.error) == ("done", "")


def test_a_user_who_keeps_no_photos_has_the_photo_deleted_right_after_analysis(django_capture_on_commit_callbacks):
    capture = MoodCaptureFactory(user=UserFactory(keep_images=False))
    name = capture.image.name
    assert default_storage.exists(name)

    with django_capture_on_commit_callbacks(execute=True):
        services.capture_analyse(capture_id=capture.id)

    capture.refresh_from_db()
    assert (capture.status, capture.emotion, capture.image.name) == ("done", "HAPPY", "")
    assert stored_files() == []


def test_a_user_who_keeps_photos_keeps_the_photo(django_capture_on_commit_callbacks):
    capture = MoodCaptureFactory()

    with django_capture_on_commit_callbacks(execute=True):
        services.capture_analyse(capture_id=capture.id)

    capture.refresh_from_db()
    assert stored_files() == [capture.image.name]
