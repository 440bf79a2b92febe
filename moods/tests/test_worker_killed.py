"""A worker killed (SIGKILL) in the middle of an analysis: the capture is analysed exactly once.

The worker is caught mid-task for real: Rekognition's stand-in holds the first
DetectFaces request open, and the test kills the worker while it waits.
"""

import datetime
import os
import signal
import time

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from conftest import send_task, wait_for
from moods.models import MoodCapture
from moods.tests.factories import MoodCaptureFactory
from moods.tests.rekognition_server import HAPPY, rekognition_env
from music.management.commands.load_starter_catalogue import STARTER
from music.models import Playlist, Recommendation
from music.services.imports import tracks_import

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

TASK = "moods.tasks.capture_analyse_task"


def _capture(capture_id: int) -> tuple:
    return MoodCapture.objects.values_list("status", "attempts").get(id=capture_id)


def test_a_worker_killed_mid_analysis_hands_the_capture_on_and_it_is_analysed_once(
        celery_worker_process, redis_broker_url, fake_rekognition, broker):
    # given songs to recommend, and a worker stuck in the middle of a capture's analysis
    tracks_import(paths=[STARTER], format="starter")
    server = fake_rekognition([HAPPY], stall_first=True)
    # Both workers redeliver a dead worker's message after 2 s instead of an hour.
    env = rekognition_env(server, CELERY_VISIBILITY_TIMEOUT="2")
    first = celery_worker_process(**env)
    capture = MoodCaptureFactory()
    task_id = send_task(TASK, args=(capture.id,), broker_url=redis_broker_url)
    wait_for(lambda: server.calls == 1)
    assert _capture(capture.id) == ("analysing", 1)

    # when the worker is killed outright and, past the visibility timeout, another one starts
    first.stop(signal.SIGKILL)
    time.sleep(2)
    second = celery_worker_process(**env)

    # then the unacknowledged task is delivered again, and finds the capture already claimed
    wait_for(lambda: f"Task {TASK}[{task_id}] succeeded" in "".join(second.log), timeout=30)
    assert _capture(capture.id) == ("analysing", 1)
    assert server.calls == 1

    # when the sweeper finds it stuck (past CAPTURE_STUCK_AFTER_SECONDS, longer than any task may run)
    MoodCapture.objects.filter(id=capture.id).update(
        started_at=timezone.now() - datetime.timedelta(seconds=settings.CAPTURE_STUCK_AFTER_SECONDS + 1))
    broker(redis_broker_url)
    call_command("requeue_stuck_captures")

    # then it is analysed once more, to the end, and its songs are chosen once
    wait_for(lambda: Playlist.objects.filter(capture_id=capture.id, status="ready").exists(), timeout=30)
    capture.refresh_from_db()
    assert (capture.status, capture.emotion, capture.confidence, capture.attempts) == ("done", "HAPPY", 91.0, 2)
    assert server.calls == 2
    assert Playlist.objects.filter(capture_id=capture.id).count() == 1
    assert Recommendation.objects.filter(capture_id=capture.id).count() == 10
    assert "".join(second.log).count(f"Task {TASK}[") == 4  # two deliveries, each received and succeeded


def test_a_pool_process_killed_mid_analysis_gives_the_task_back_and_the_capture_is_analysed_once(
        celery_worker_process, redis_broker_url, fake_rekognition, broker):
    # given a prefork worker whose pool process is stuck in the middle of an analysis
    server = fake_rekognition([HAPPY], stall_first=True)
    worker = celery_worker_process(pool="prefork", **rekognition_env(server))
    capture = MoodCaptureFactory()
    task_id = send_task(TASK, args=(capture.id,), broker_url=redis_broker_url)
    wait_for(lambda: server.calls == 1)
    [child] = worker.pool_pids()

    # when that process is killed (as the kernel's OOM killer would)
    os.kill(child, signal.SIGKILL)

    # then, with reject_on_worker_lost, the message goes back to the queue instead of failing the capture,
    # and its redelivery finds the capture claimed and leaves it alone
    wait_for(lambda: "".join(worker.log).count(f"Task {TASK}[{task_id}] received") == 2, timeout=30)
    wait_for(lambda: f"Task {TASK}[{task_id}] succeeded" in "".join(worker.log), timeout=30)
    assert _capture(capture.id) == ("analysing", 1)

    # when the sweeper finds it stuck, it is analysed to the end, once
    MoodCapture.objects.filter(id=capture.id).update(
        started_at=timezone.now() - datetime.timedelta(seconds=settings.CAPTURE_STUCK_AFTER_SECONDS + 1))
    broker(redis_broker_url)
    call_command("requeue_stuck_captures")
    wait_for(lambda: _capture(capture.id) == ("done", 2), timeout=30)
    assert server.calls == 2
