"""Each kind of work has its own queue: a backlog of video look-ups never delays an analysis."""

import re

import pytest
import redis
from django.conf import settings

from cloudscendo.celery import app
from conftest import ROOT, send_task, wait_for
from moods.models import MoodCapture
from moods.tests.factories import MoodCaptureFactory

ROUTED = {
    "accounts.tasks.guests_sweep_task": "celery",
    "cloudscendo.tasks.queue_metrics_publish_task": "celery",
    "cloudscendo.tasks.worker_heartbeat_task": "celery",
    "moods.tasks.capture_analyse_task": "analysis",
    "moods.tasks.captures_requeue_stuck_task": "celery",
    "moods.tasks.captures_uploads_sweep_task": "celery",
    "music.tasks.import_job_run_task": "celery",
    "music.tasks.imports_requeue_stuck_task": "celery",
    "music.tasks.playlist_build_task": "recommendations",
    "music.tasks.playlists_requeue_stuck_task": "celery",
    "music.tasks.track_videos_resolve_task": "videos",
    "music.tasks.tracks_kendra_push_task": "celery",
    "music.tasks.videos_requeue_lost_task": "celery",
    "music.tasks.videos_refresh_task": "videos",
}


def test_every_task_of_ours_goes_to_its_queue():
    app.loader.import_default_modules()
    ours = sorted(name for name in app.tasks if not name.startswith("celery."))

    routed = {name: app.amqp.router.route({}, name)["queue"].name for name in ours}

    assert routed == ROUTED
    assert set(routed.values()) == set(settings.TASK_QUEUES)


def test_the_procfile_worker_consumes_every_queue_by_default():
    worker = next(line for line in (ROOT / "Procfile").read_text().splitlines() if line.startswith("worker:"))

    assert re.search(r"-Q \$\{WORKER_QUEUES:-([a-z,]+)\}", worker).group(1) == ",".join(settings.TASK_QUEUES)


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_an_analysis_worker_finishes_a_capture_while_the_videos_queue_has_a_backlog(
        celery_worker_process, redis_broker_url):
    # given 50 video look-ups waiting and a worker dedicated to analyses
    for _ in range(50):
        send_task("music.tasks.track_videos_resolve_task", args=([],), broker_url=redis_broker_url)
    celery_worker_process(queues="analysis")
    capture = MoodCaptureFactory()

    # when a capture is queued the usual way (routed by task name)
    send_task("moods.tasks.capture_analyse_task", args=(capture.id,), broker_url=redis_broker_url)

    # then it is analysed and every video look-up is still waiting
    wait_for(lambda: MoodCapture.objects.filter(id=capture.id, status="done").exists())
    assert redis.Redis.from_url(redis_broker_url).llen("videos") == 50
