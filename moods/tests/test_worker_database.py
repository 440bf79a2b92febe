"""PostgreSQL drops a worker's connection (as a restart does): the worker carries on without a restart."""

import datetime

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from conftest import send_task, wait_for
from moods.models import MoodCapture
from moods.tests.factories import MoodCaptureFactory
from moods.tests.rekognition_server import HAPPY, rekognition_env

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

TASK = "moods.tasks.capture_analyse_task"


def _status(capture_id: int) -> str:
    return MoodCapture.objects.values_list("status", flat=True).get(id=capture_id)


def _terminate_other_connections() -> int:
    """Kill every other session on the test database, as a PostgreSQL restart would, and count them."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                       "WHERE datname = current_database() AND pid <> pg_backend_pid()")
        return cursor.fetchone()[0]


def test_a_worker_whose_database_connection_is_killed_mid_task_carries_on_without_a_restart(
        celery_worker_process, redis_broker_url, fake_rekognition, broker):
    # given a worker in the middle of an analysis, holding its database connection
    server = fake_rekognition([HAPPY], stall_first=True)
    worker = celery_worker_process(**rekognition_env(server))
    interrupted, later = MoodCaptureFactory(), MoodCaptureFactory()
    task_id = send_task(TASK, args=(interrupted.id,), broker_url=redis_broker_url)
    wait_for(lambda: server.calls == 1)

    # when PostgreSQL drops that connection (as a restart does) and the analysis goes on
    assert _terminate_other_connections() == 1
    server.released.set()
    retried = f"Task {TASK}[{task_id}] retry: Retry in "
    wait_for(lambda: retried in "".join(worker.log))
    wait_for(lambda: f"Task {TASK}[{task_id}] succeeded" in "".join(worker.log))  # the retry: already claimed

    # then the same worker process runs the next task on a new connection
    send_task(TASK, args=(later.id,), broker_url=redis_broker_url)
    wait_for(lambda: _status(later.id) == "done")
    assert worker.process.poll() is None

    # and the interrupted capture, left analysing (not failed), is finished by the sweeper
    assert _status(interrupted.id) == "analysing"
    MoodCapture.objects.filter(id=interrupted.id).update(
        started_at=timezone.now() - datetime.timedelta(seconds=settings.CAPTURE_STUCK_AFTER_SECONDS + 1))
    broker(redis_broker_url)
    call_command("requeue_stuck_captures")
    wait_for(lambda: _status(interrupted.id) == "done")
    assert MoodCapture.objects.values_list("attempts", flat=True).get(id=interrupted.id) == 2
