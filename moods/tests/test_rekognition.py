"""The Rekognition backend through botocore's Stubber: readings, several faces, errors mapped onto the port."""

import boto3
import pytest
from botocore.config import Config
from botocore.stub import ANY, Stubber

from cloudscendo.tests.aws_stubs import stubbed_client
from moods import services
from moods.emotion import BackendUnavailable, InputRejected, get_detector
from moods.models import MoodCapture
from moods.tasks import capture_analyse_task
from moods.tests.factories import MoodCaptureFactory
from moods.tests.images import astronaut_jpeg

pytestmark = pytest.mark.django_db


@pytest.fixture
def rekognition(monkeypatch, settings):
    """A stubbed Rekognition client, handed out by the project's client factory."""
    settings.EMOTION_BACKEND = "rekognition"
    with stubbed_client(monkeypatch, "rekognition") as stub:
        yield stub


def face(box: tuple[float, float, float, float], **emotions: float) -> dict:
    left, top, width, height = box
    return {"BoundingBox": {"Left": left, "Top": top, "Width": width, "Height": height}, "Confidence": 99.9,
            "Emotions": [{"Type": name, "Confidence": value} for name, value in emotions.items()]}


def respond(stub: Stubber, *faces: dict) -> None:
    stub.add_response("detect_faces", {"FaceDetails": list(faces)},
                      expected_params={"Image": {"Bytes": ANY}, "Attributes": ["EMOTIONS"]})


def _analyse(capture: MoodCapture) -> MoodCapture:
    services.capture_analyse(capture_id=capture.id)
    capture.refresh_from_db()
    return capture


def test_one_face_is_read_with_every_score(rekognition):
    respond(rekognition, face((0.2, 0.1, 0.3, 0.4), HAPPY=93.0, CALM=4.0, SURPRISED=2.0, UNKNOWN=1.0))

    capture = _analyse(MoodCaptureFactory())

    assert (capture.status, capture.emotion, capture.confidence, capture.face_count, capture.backend) == (
        "done", "HAPPY", 93.0, 1, "rekognition")
    assert capture.scores == {"HAPPY": 93.0, "SAD": 0.0, "ANGRY": 0.0, "CONFUSED": 0.0, "DISGUSTED": 0.0,
                              "SURPRISED": 2.0, "CALM": 4.0, "FEAR": 0.0}
    assert capture.faces == [{"box": [0.2, 0.1, 0.3, 0.4], "scores": capture.scores}]


def test_of_several_faces_the_largest_decides(rekognition):
    respond(rekognition, face((0.0, 0.0, 0.1, 0.1), SAD=90.0, HAPPY=10.0),
            face((0.5, 0.5, 0.3, 0.3), ANGRY=70.0, CALM=30.0))

    capture = _analyse(MoodCaptureFactory())

    assert (capture.emotion, capture.confidence, capture.face_count) == ("ANGRY", 70.0, 2)
    assert [f["box"] for f in capture.faces] == [[0.5, 0.5, 0.3, 0.3], [0.0, 0.0, 0.1, 0.1]]


def test_a_group_capture_averages_all_faces_weighted_by_size(rekognition):
    # areas 0.01 and 0.09: weights 1 and 9
    respond(rekognition, face((0.0, 0.0, 0.1, 0.1), SAD=100.0),
            face((0.5, 0.5, 0.3, 0.3), HAPPY=60.0, SAD=40.0))

    capture = _analyse(MoodCaptureFactory(group=True))

    assert (capture.emotion, capture.confidence, capture.face_count) == ("HAPPY", 54.0, 2)
    assert (capture.scores["HAPPY"], capture.scores["SAD"]) == (54.0, 46.0)


def test_no_face_ends_as_no_face(rekognition):
    respond(rekognition)

    capture = _analyse(MoodCaptureFactory())

    assert (capture.status, capture.emotion, capture.face_count) == ("no_face", "", 0)


def test_a_face_with_only_unknown_has_no_usable_emotion(rekognition):
    respond(rekognition, face((0.2, 0.2, 0.4, 0.4), UNKNOWN=99.0))

    capture = _analyse(MoodCaptureFactory())

    assert (capture.status, capture.emotion, capture.confidence, capture.error) == (
        "no_face", "", 0.0, "A face was found but its expression could not be read.")


def test_a_box_past_the_image_edge_is_clamped(rekognition):
    respond(rekognition, face((-0.1, 0.8, 0.4, 0.4), CALM=80.0))

    analysis = get_detector("rekognition").detect(astronaut_jpeg())

    assert analysis.faces[0].box == pytest.approx((0.0, 0.8, 0.3, 0.2))
    assert (analysis.width, analysis.height, analysis.model) == (512, 512, "Amazon Rekognition DetectFaces")


def test_throttling_is_retried_and_then_succeeds(rekognition):
    # Tests run tasks in-process: Celery's autoretry runs the retry at once, without the backoff.
    rekognition.add_client_error("detect_faces", service_error_code="ThrottlingException",
                                 service_message="Slow down", http_status_code=400)
    respond(rekognition, face((0.2, 0.1, 0.3, 0.4), HAPPY=88.0))
    capture = MoodCaptureFactory()

    capture_analyse_task.delay(capture.id)

    capture.refresh_from_db()
    assert (capture.status, capture.emotion, capture.attempts) == ("done", "HAPPY", 2)


@pytest.mark.parametrize(("code", "status"), [("ThrottlingException", 400),
                                              ("ProvisionedThroughputExceededException", 400),
                                              ("InternalServerError", 500), ("ServiceUnavailable", 503)])
def test_transient_errors_are_backend_unavailable(rekognition, code, status):
    rekognition.add_client_error("detect_faces", service_error_code=code, http_status_code=status)

    with pytest.raises(BackendUnavailable):
        get_detector("rekognition").detect(astronaut_jpeg())


@pytest.mark.parametrize(("code", "message"), [
    ("InvalidImageFormatException", "The emotion service cannot read this image format."),
    ("ImageTooLargeException", "The photo is too large for the emotion service."),
    ("InvalidParameterException", "The emotion service rejected the photo (it may be smaller than 80 pixels)."),
    ("InvalidS3ObjectException", "The emotion service cannot read the stored photo."),
    ("AccessDeniedException", "The emotion service is not allowed to read this photo.")])
def test_a_permanent_error_ends_the_capture_as_failed_with_a_readable_message(rekognition, code, message):
    rekognition.add_client_error("detect_faces", service_error_code=code, http_status_code=400)

    capture_analyse_task.delay((capture := MoodCaptureFactory()).id)

    capture.refresh_from_db()
    assert (capture.status, capture.error, capture.attempts) == ("failed", message, 1)


def test_a_photo_over_5_mb_is_refused_before_calling_aws(rekognition):
    big = astronaut_jpeg() + b"\0" * (5 * 1024 * 1024)

    with pytest.raises(InputRejected, match="too large"):
        get_detector("rekognition").detect(big)


def test_retries_run_out_and_the_capture_ends_as_failed(rekognition, settings):
    for _ in range(settings.CAPTURE_MAX_RETRIES + 1):
        rekognition.add_client_error("detect_faces", service_error_code="ThrottlingException", http_status_code=400)
    capture = MoodCaptureFactory()

    capture_analyse_task.delay(capture.id)

    capture.refresh_from_db()
    assert (capture.status, capture.error, capture.attempts) == (
        "failed", services.GAVE_UP_MESSAGE, settings.CAPTURE_MAX_RETRIES + 1)


def test_an_unreachable_endpoint_is_backend_unavailable(monkeypatch, settings):
    settings.EMOTION_BACKEND = "rekognition"
    client = boto3.client("rekognition", region_name="eu-west-1", endpoint_url="http://127.0.0.1:9",
                          aws_access_key_id="testing", aws_secret_access_key="testing",
                          config=Config(connect_timeout=0.5, retries={"max_attempts": 1}))
    monkeypatch.setattr("cloudscendo.aws.client", lambda service: client)

    with pytest.raises(BackendUnavailable, match="Rekognition did not answer"):
        get_detector("rekognition").detect(astronaut_jpeg())
