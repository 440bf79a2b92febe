"""A real Celery worker process on Redis runs a task that writes to PostgreSQL."""

import socket

import pytest

from cloudscendo.models import WorkerHeartbeat
from conftest import send_task, wait_for

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def test_a_worker_process_runs_the_heartbeat_task_and_writes_the_row(celery_worker_process, redis_broker_url):
    celery_worker_process()

    send_task("cloudscendo.tasks.worker_heartbeat_task", broker_url=redis_broker_url)

    beat = wait_for(lambda: WorkerHeartbeat.objects.first())
    assert beat.hostname == socket.gethostname()


def test_healthz_on_postgresql_reports_the_vendor_and_the_last_worker_beat(client, settings, redis_broker_url):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = redis_broker_url
    settings.HEALTH_TOKEN = "a-health-token-of-some-length"  # the details are for its holders only
    WorkerHeartbeat.objects.create(hostname="worker-1", seen_at="2026-11-24T10:00:00Z")

    body = client.get("/healthz", HTTP_X_HEALTH_TOKEN=settings.HEALTH_TOKEN).json()

    assert body["checks"]["database"] == {"ok": True, "vendor": "postgresql"}
    assert body["checks"]["broker"] == {"ok": True, "mode": "broker", "worker_last_seen": "2026-11-24T10:00:00+00:00"}
