"""An import job: claimed once, given up into failed with its message, swept when stuck; the upload always goes."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone

from music.models import ImportJob, Track
from music.services import imports_job
from music.tasks import import_job_run_task

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 5, 4, 12, 0, tzinfo=datetime.UTC)
CSV = "name,artist,album,year,mood\nOne,A,X,2001,Happy\nTwo,B,X,2002,Sad\n"


def _job(status: str = "queued", **fields) -> ImportJob:
    name = default_storage.save("imports/upload.csv", ContentFile(CSV.encode()))
    return ImportJob.objects.create(file_name=name, original_name="mine.csv", status=status, **fields)


def _row(job: ImportJob) -> tuple:
    return ImportJob.objects.values_list("status", "attempts", "file_name").get(id=job.id)


def test_a_second_delivery_of_a_running_job_does_nothing_and_keeps_the_upload():
    job = _job(status="running", attempts=1, started_at=timezone.now())

    imports_job.import_job_run(job_id=job.id)

    assert _row(job) == ("running", 1, job.file_name)
    assert Track.objects.count() == 0
    assert default_storage.exists(job.file_name)


def test_a_run_that_crashes_ends_failed_with_its_message_and_the_upload_deleted(monkeypatch):
    job = _job()
    monkeypatch.setattr("music.services.imports.tracks_import",
                        lambda **kwargs: (_ for _ in ()).throw(MemoryError("out of memory")))

    import_job_run_task.apply(args=[job.id])

    assert _row(job) == ("failed", 1, "")
    assert ImportJob.objects.get(id=job.id).message == (
        "The import stopped before it finished (the worker failed or ran out of time). Nothing was imported. "
        "(MemoryError: out of memory)")
    assert default_storage.listdir("imports") == ([], [])
    assert Track.objects.count() == 0


def test_the_sweeper_resets_a_job_left_running_past_the_limit_and_runs_it_once(settings,
                                                                              django_capture_on_commit_callbacks):
    settings.IMPORT_STUCK_AFTER_SECONDS = 3600
    stuck = _job(status="running", attempts=1, started_at=NOW - datetime.timedelta(seconds=3601))

    with django_capture_on_commit_callbacks(execute=True):
        assert imports_job.import_jobs_requeue_stuck(now=NOW) == [stuck.id]

    assert _row(stuck) == ("done", 2, "")
    assert ImportJob.objects.get(id=stuck.id).message == "created 2, updated 0, unchanged 0, skipped 0"
    assert Track.objects.count() == 2
    assert default_storage.listdir("imports") == ([], [])


def test_the_sweeper_leaves_a_recent_running_job_alone(settings, django_capture_on_commit_callbacks):
    settings.IMPORT_STUCK_AFTER_SECONDS = 3600
    running = _job(status="running", attempts=1, started_at=NOW - datetime.timedelta(seconds=3599))

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert imports_job.import_jobs_requeue_stuck(now=NOW) == []

    assert _row(running) == ("running", 1, running.file_name)
    assert callbacks == []


def test_the_sweeper_fails_a_job_claimed_too_often_and_deletes_its_upload(settings, capsys,
                                                                         django_capture_on_commit_callbacks):
    settings.IMPORT_STUCK_AFTER_SECONDS, settings.STUCK_MAX_ATTEMPTS = 3600, 3
    doomed = _job(status="running", attempts=3, started_at=timezone.now() - datetime.timedelta(seconds=3601))

    with django_capture_on_commit_callbacks(execute=True):
        call_command("requeue_stuck_imports")

    assert capsys.readouterr().out == "re-enqueued 0 import job(s)\n"
    assert _row(doomed) == ("failed", 3, "")
    assert ImportJob.objects.get(id=doomed.id).message == imports_job.GAVE_UP_MESSAGE
    assert default_storage.listdir("imports") == ([], [])
