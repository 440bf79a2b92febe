"""A real Celery worker process on Redis and PostgreSQL: idempotent deliveries, timed retries, a dead broker."""

import datetime
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from accounts.tests.factories import UserFactory
from cloudscendo.celery import app
from conftest import send_task, wait_for
from moods import services
from moods.models import MoodCapture
from moods.tests.factories import MoodCaptureFactory
from moods.tests.images import astronaut_jpeg

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

TASK = "moods.tasks.capture_analyse_task"
# cloudscendo/aws.py sets botocore's retries={"max_attempts": 3}: in botocore's Config that counts
# retries after the first request, so one task run makes 4 calls.
CALLS_PER_RUN = 4
THROTTLED = (400, {"__type": "ThrottlingException", "message": "Rate exceeded"})
HAPPY = (200, {"FaceDetails": [{"BoundingBox": {"Left": 0.3, "Top": 0.1, "Width": 0.2, "Height": 0.25},
                                "Emotions": [{"Type": "HAPPY", "Confidence": 91.0},
                                             {"Type": "CALM", "Confidence": 9.0}]}]})


class FakeRekognition(ThreadingHTTPServer):
    """DetectFaces over real HTTP (AWS JSON 1.1), answering from a script; the worker process calls it."""

    def __init__(self, answers: list[tuple[int, dict]]):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.answers, self.calls = answers, 0

    def next_answer(self) -> tuple[int, dict]:
        self.calls += 1
        return self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        status, body = self.server.next_answer()
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/x-amz-json-1.1")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def fake_rekognition():
    servers = []

    def start(answers: list[tuple[int, dict]]) -> FakeRekognition:
        servers.append(FakeRekognition(answers))
        threading.Thread(target=servers[-1].serve_forever, daemon=True).start()
        return servers[-1]

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def _rekognition_env(server: FakeRekognition, **extra: str) -> dict[str, str]:
    # botocore reads a per-service endpoint from AWS_ENDPOINT_URL_<SERVICE>.
    return {"EMOTION_BACKEND": "rekognition", "AWS_REGION": "eu-west-1", "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing", "AWS_ENDPOINT_URL_REKOGNITION": f"http://127.0.0.1:{server.server_port}",
            "CAPTURE_RETRY_BACKOFF_SECONDS": "1", **extra}


@pytest.fixture
def broker():
    """Point this process's Celery app at a real broker (tests otherwise run tasks in-process)."""
    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}

    def use(url: str) -> None:
        _drop_connections()
        app.conf.update(broker_url=url, task_always_eager=False)

    yield use
    _drop_connections()
    app.conf.update(saved)


def _drop_connections() -> None:
    if app._pool is not None:
        app._pool.force_close_all()
    app._pool = None
    app.amqp._producer_pool = None


def _status(capture_id: int) -> str:
    return MoodCapture.objects.values_list("status", flat=True).get(id=capture_id)


def test_a_second_delivery_of_the_same_capture_does_nothing(celery_worker_process, redis_broker_url):
    celery_worker_process()
    capture = MoodCaptureFactory()

    send_task(TASK, args=(capture.id,), broker_url=redis_broker_url)
    send_task(TASK, args=(capture.id,), broker_url=redis_broker_url)

    wait_for(lambda: _status(capture.id) == "done")
    time.sleep(1)  # let the second delivery run
    capture.refresh_from_db()
    assert (capture.status, capture.emotion, capture.attempts) == ("done", "HAPPY", 1)


def test_throttling_is_retried_after_a_backoff_and_then_succeeds(celery_worker_process, redis_broker_url,
                                                                 fake_rekognition):
    # The first task run gives up after botocore's own tries; the second run succeeds at once.
    server = fake_rekognition([THROTTLED] * CALLS_PER_RUN + [HAPPY])
    celery_worker_process(**_rekognition_env(server))
    capture = MoodCaptureFactory()

    send_task(TASK, args=(capture.id,), broker_url=redis_broker_url)

    wait_for(lambda: _status(capture.id) == "done", timeout=30)
    capture.refresh_from_db()
    assert (capture.emotion, capture.confidence, capture.backend, capture.attempts, server.calls) == (
        "HAPPY", 91.0, "rekognition", 2, CALLS_PER_RUN + 1)


def test_when_retries_run_out_the_capture_fails_with_a_readable_message(celery_worker_process, redis_broker_url,
                                                                        fake_rekognition):
    server = fake_rekognition([THROTTLED])
    celery_worker_process(**_rekognition_env(server, CAPTURE_MAX_RETRIES="1"))
    capture = MoodCaptureFactory()

    send_task(TASK, args=(capture.id,), broker_url=redis_broker_url)

    wait_for(lambda: _status(capture.id) == "failed", timeout=30)
    capture.refresh_from_db()
    assert (capture.error, capture.attempts, server.calls) == (services.GAVE_UP_MESSAGE, 2, 2 * CALLS_PER_RUN)


def test_with_the_broker_down_the_upload_succeeds_and_the_sweeper_sends_it_once_the_broker_is_back(
        client, broker, celery_worker_process, redis_broker_url, settings, caplog):
    # given a broker that refuses connections
    broker("redis://127.0.0.1:9/0")
    client.force_login(UserFactory())

    # when a photo is sent
    start = time.monotonic()
    response = client.post("/capture/", {"photo": SimpleUploadedFile("me.jpg", astronaut_jpeg()), "source": "upload"})
    elapsed = time.monotonic() - start

    # then the request succeeds and the capture waits, queued
    capture = MoodCapture.objects.get()
    assert (response.status_code, response["Location"]) == (302, f"/captures/{capture.id}/")
    assert elapsed < 5
    assert (capture.status, capture.attempts) == ("queued", 0)
    assert f"broker unreachable: capture {capture.id} stays queued for the sweeper" in caplog.messages

    # when the broker and a worker are back and the sweeper runs after the capture counts as stuck
    broker(redis_broker_url)
    celery_worker_process()
    MoodCapture.objects.filter(id=capture.id).update(
        created_at=timezone.now() - datetime.timedelta(seconds=settings.CAPTURE_STUCK_AFTER_SECONDS + 1))
    call_command("requeue_stuck_captures")

    # then it is analysed
    wait_for(lambda: _status(capture.id) == "done")
    capture.refresh_from_db()
    assert (capture.emotion, capture.attempts) == ("HAPPY", 1)
