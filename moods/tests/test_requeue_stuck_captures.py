"""The sweeper: captures stuck in queued or analysing are sent to the queue again; nothing else is touched."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from moods import services
from moods.models import MoodCapture
from moods.tests.factories import MoodCaptureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(monkeypatch) -> list[int]:
    """Ids handed to the queue (the real task and broker are covered by test_worker.py)."""
    ids: list[int] = []
    monkeypatch.setattr(services, "_enqueue", ids.append)
    return ids


def _ago(seconds: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(seconds=seconds)


def _capture(*, status: str, created: int, started: int | None = None) -> MoodCapture:
    capture = MoodCaptureFactory(status=status)
    MoodCapture.objects.filter(id=capture.id).update(
        created_at=_ago(created), started_at=_ago(started) if started is not None else None)
    return capture


def test_old_queued_and_old_analysing_captures_are_requeued(sent, settings):
    settings.CAPTURE_STUCK_AFTER_SECONDS = 300
    queued = _capture(status="queued", created=301)
    analysing = _capture(status="analysing", created=900, started=301)

    ids = services.captures_requeue_stuck()

    assert ids == sorted([queued.id, analysing.id])
    assert sent == ids
    assert dict(MoodCapture.objects.values_list("id", "status")) == {queued.id: "queued", analysing.id: "queued"}


def test_recent_and_finished_captures_are_left_alone(sent, settings):
    settings.CAPTURE_STUCK_AFTER_SECONDS = 300
    captures = [_capture(status="queued", created=100),
                _capture(status="queued", created=900, started=100),  # waiting for a retry it just scheduled
                _capture(status="analysing", created=900, started=100),
                _capture(status="done", created=900, started=800),
                _capture(status="failed", created=900, started=800)]
    before = list(MoodCapture.objects.order_by("id").values())

    ids = services.captures_requeue_stuck()

    assert ids == []
    assert sent == []
    assert list(MoodCapture.objects.order_by("id").values()) == before
    assert len(before) == len(captures)


def test_the_command_requeues_and_the_capture_is_analysed(settings, capsys, django_capture_on_commit_callbacks):
    # Tests run tasks in-process (no broker configured), so the re-enqueued task runs at once.
    settings.CAPTURE_STUCK_AFTER_SECONDS = 60
    capture = _capture(status="analysing", created=120, started=61)

    call_command("requeue_stuck_captures")

    capture.refresh_from_db()
    assert capsys.readouterr().out == f"re-enqueued 1 capture(s): {capture.id}\n"
    assert (capture.status, capture.emotion, capture.attempts) == ("done", "HAPPY", 1)


def test_the_sweeper_runs_on_a_beat_schedule(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["moods-requeue-stuck-captures"]

    assert entry == {"task": "moods.tasks.captures_requeue_stuck_task", "schedule": 60.0}
