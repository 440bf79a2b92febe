"""A real Celery worker process on Redis and PostgreSQL: idempotent deliveries, timed retries, a dead broker."""

import datetime
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from accounts.tests.factories import UserFactory
from conftest import send_task, wait_for
from moods import services
from moods.emotion.rekognition import PERMANENT_MESSAGES
from moods.models import MoodCapture
from moods.tests.factories import MoodCaptureFactory
from moods.tests.images import astronaut_jpeg
from moods.tests.rekognition_server import ACCESS_DENIED, CALLS_PER_RUN, HAPPY, THROTTLED, rekognition_env

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

TASK = "moods.tasks.capture_analyse_task"


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
    celery_worker_process(**rekognition_env(server))
    capture = MoodCaptureFactory()

    send_task(TASK, args=(capture.id,), broker_url=redis_broker_url)

    wait_for(lambda: _status(capture.id) == "done", timeout=30)
    capture.refresh_from_db()
    assert (capture.emotion, capture.confidence, capture.backend, capture.attempts, server.calls) == (
        "HAPPY", 91.0, "rekognition", 2, CALLS_PER_RUN + 1)


def test_three_throttles_then_an_answer_end_done_within_one_task_run(celery_worker_process, redis_broker_url,
                                                                    fake_rekognition):
    # botocore's own retries (3 after the first call) absorb three throttles.
    server = fake_rekognition([THROTTLED] * 3 + [HAPPY])
    celery_worker_process(**rekognition_env(server))
    capture = MoodCaptureFactory()

    send_task(TASK, args=(capture.id,), broker_url=redis_broker_url)

    wait_for(lambda: _status(capture.id) == "done", timeout=30)
    capture.refresh_from_db()
    assert (capture.emotion, capture.attempts, capture.error, server.calls) == ("HAPPY", 1, "", 4)


def test_a_permanent_error_ends_failed_with_a_readable_message_and_no_retry(celery_worker_process,
                                                                           redis_broker_url, fake_rekognition):
    server = fake_rekognition([ACCESS_DENIED])
    celery_worker_process(**rekognition_env(server))
    capture = MoodCaptureFactory()

    send_task(TASK, args=(capture.id,), broker_url=redis_broker_url)

    wait_for(lambda: _status(capture.id) == "failed", timeout=30)
    time.sleep(1.5)  # longer than the retry backoff: a retry would have called again
    capture.refresh_from_db()
    assert (capture.error, capture.attempts, server.calls) == (PERMANENT_MESSAGES["AccessDeniedException"], 1, 1)


def test_when_retries_run_out_the_capture_fails_with_a_readable_message(celery_worker_process, redis_broker_url,
                                                                        fake_rekognition):
    server = fake_rekognition([THROTTLED])
    celery_worker_process(**rekognition_env(server, CAPTURE_MAX_RETRIES="1"))
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
