"""EMOTION_BACKEND=hybrid: the real local model on real faces decides when sure; Rekognition (Stubber) otherwise."""

import pytest
from botocore.stub import ANY, Stubber
from django.core.files.base import ContentFile

from cloudscendo.tests.aws_stubs import stubbed_client
from moods import services
from moods.emotion import detector_model
from moods.models import MoodCapture
from moods.tests.factories import MoodCaptureFactory
from moods.tests.images import blank_jpeg

pytestmark = pytest.mark.django_db

FACEAPI = "face-api 1.7.15 (landmark 68 + expression)"
REKOGNITION = "Amazon Rekognition DetectFaces"
# Real faces the local model reads (shared/data): one it is sure of, one it reads at 37.78 (HAPPY, an angry
# face). The picture with no face at all is made by the test (the local model finds a face in every shared photo).
SURE = "faces/happy/KA.HA1.29.png"
UNSURE = "faces_wild/angry/Hugo_Chavez_0034.jpg"


@pytest.fixture
def hybrid(monkeypatch, settings):
    """Hybrid backend, with a stubbed Rekognition behind the project's client factory."""
    settings.EMOTION_BACKEND = "hybrid"
    settings.EMOTION_MIN_CONFIDENCE = 40.0
    with stubbed_client(monkeypatch, "rekognition") as stub:
        yield stub


def _analysed(shared_data, path: str) -> MoodCapture:
    return _analysed_bytes((shared_data / path).read_bytes(), name=path.rsplit("/", 1)[-1])


def _analysed_bytes(photo: bytes, *, name: str) -> MoodCapture:
    image = ContentFile(photo, name=f"photos/{name}")
    capture = MoodCaptureFactory(image=image)
    services.capture_analyse(capture_id=capture.id)
    capture.refresh_from_db()
    return capture


def _rekognition_answers(stub: Stubber, **emotions: float) -> None:
    face = {"BoundingBox": {"Left": 0.2, "Top": 0.2, "Width": 0.5, "Height": 0.6}, "Confidence": 99.0,
            "Emotions": [{"Type": name, "Confidence": value} for name, value in emotions.items()]}
    stub.add_response("detect_faces", {"FaceDetails": [face]},
                      expected_params={"Image": {"Bytes": ANY}, "Attributes": ["EMOTIONS"]})


def test_a_face_the_local_model_is_sure_of_never_reaches_rekognition(hybrid, shared_data):
    capture = _analysed(shared_data, SURE)  # the stub has no answer: a Rekognition call would raise

    assert (capture.status, capture.emotion, capture.confidence) == ("done", "HAPPY", 100.0)
    assert (capture.backend, capture.model) == ("hybrid", FACEAPI)


def test_an_uncertain_local_reading_is_decided_by_rekognition(hybrid, shared_data):
    _rekognition_answers(hybrid, SAD=91.0, ANGRY=9.0)

    capture = _analysed(shared_data, UNSURE)

    assert (capture.status, capture.emotion, capture.confidence) == ("done", "SAD", 91.0)
    assert (capture.backend, capture.model) == ("hybrid", REKOGNITION)


def test_a_photo_where_the_local_model_finds_no_face_goes_to_rekognition(hybrid):
    _rekognition_answers(hybrid, DISGUSTED=77.0)

    capture = _analysed_bytes(blank_jpeg(), name="wall.jpg")

    assert (capture.emotion, capture.face_count, capture.model) == ("DISGUSTED", 1, REKOGNITION)


def test_the_threshold_is_emotion_min_confidence(hybrid, shared_data, settings):
    settings.EMOTION_MIN_CONFIDENCE = 30.0  # below the local 37.78: now the local model is sure enough

    capture = _analysed(shared_data, UNSURE)

    assert (capture.emotion, capture.confidence, capture.model) == ("HAPPY", 37.78, FACEAPI)


def test_the_probe_names_both_models(settings):
    settings.EMOTION_BACKEND = "hybrid"

    assert detector_model() == f"{FACEAPI}, then {REKOGNITION}"
