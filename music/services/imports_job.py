"""CSV imports started from the admin: store the upload, run it once in a task with progress, delete the file
whatever the end (done, refused, given up)."""

import datetime
import logging
import shutil
import tempfile
import uuid
from collections.abc import Mapping
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db.models import F
from django.utils import timezone
from django.utils.text import get_valid_filename

from music.importers import ImportRejected
from music.models import ImportJob
from music.services import enqueue, sweeper

logger = logging.getLogger(__name__)

Status = ImportJob.Status
GAVE_UP_MESSAGE = "The import stopped before it finished (the worker failed or ran out of time). Nothing was imported."


def import_job_create(*, upload: UploadedFile, format: str, user_id: int | None,
                      mapping: Mapping[str, str] | None = None) -> ImportJob:
    """Store an uploaded CSV and queue its import (mapping: column -> track field, for "generic") after commit."""
    name = default_storage.save(f"imports/{uuid.uuid4().hex}.csv", upload)
    try:
        job = ImportJob.objects.create(file_name=name, original_name=get_valid_filename(Path(upload.name).name),
                                       format=format, mapping=dict(mapping or {}),
                                       created_by_id=user_id)
    except BaseException:
        default_storage.delete(name)  # no row (the database is down), no file
        raise
    enqueue.import_job_enqueue(job_id=job.id)
    return job


class _Progress:
    """Turns the importer's (stage, done, total) into a percentage on the job row, written when it moves."""

    def __init__(self, job_id: int, rows: int):
        self.job_id, self.rows, self.percent = job_id, max(rows, 1), -1

    def __call__(self, stage: str, done: int, total: int) -> None:
        share = done / self.rows if stage.startswith("reading") else 1 + min(done, total) / max(total, 1)
        percent = min(99, int(share * 50))
        if percent != self.percent:
            self.percent = percent
            ImportJob.objects.filter(id=self.job_id).update(progress=percent)


def _finish(job_id: int, *, file_name: str, status: str, **fields) -> bool:
    # Only the run that holds the job (or the give-up of a queued or running one) ends it; then the upload goes.
    ended = ImportJob.objects.filter(id=job_id, status__in=(Status.QUEUED, Status.RUNNING)).update(
        status=status, finished_at=timezone.now(), file_name="", **fields) == 1
    if ended and file_name:
        default_storage.delete(file_name)
    return ended


def import_job_run(*, job_id: int) -> None:
    """Claim a queued import and run it; a job not queued (a second delivery) is left alone.

    The upload is deleted when the job ends: done, refused (ImportRejected) or given up.
    """
    if not _claim(job_id):
        return
    job = ImportJob.objects.get(id=job_id)
    with tempfile.TemporaryDirectory(prefix="cloudscendo-import-") as folder:
        path = Path(folder) / job.original_name
        with default_storage.open(job.file_name, "rb") as source, path.open("wb") as target:
            shutil.copyfileobj(source, target)
        rows = sum(1 for _ in path.open("rb")) - 1
        try:
            from music.services.imports import tracks_import  # pandas loads only when a job runs

            summary = tracks_import(paths=[path], format=job.format, mapping=job.mapping,
                                    progress=_Progress(job_id, rows))
        except ImportRejected as error:
            _finish(job_id, file_name=job.file_name, status=Status.FAILED, message=str(error))
        else:
            _finish(job_id, file_name=job.file_name, status=Status.DONE, progress=100, summary=summary.as_dict(),
                    message=summary.text())


def _claim(job_id: int) -> bool:
    # Compare-and-swap: of two deliveries only one gets 1. A job left running by a worker that
    # died is the sweeper's (import_jobs_requeue_stuck), not a redelivery's.
    return ImportJob.objects.filter(id=job_id, status=Status.QUEUED).update(
        status=Status.RUNNING, started_at=timezone.now(), attempts=F("attempts") + 1) == 1


def import_job_give_up(*, job_id: int, message: str = GAVE_UP_MESSAGE) -> bool:
    """End a queued or running job as failed with the message, and delete its upload; return whether it changed."""
    file_name = ImportJob.objects.filter(id=job_id).values_list("file_name", flat=True).first() or ""
    return _finish(job_id, file_name=file_name, status=Status.FAILED, message=message)


def import_jobs_requeue_stuck(*, now: datetime.datetime | None = None) -> list[int]:
    """Send stuck import jobs to the queue again (running ones reset first); return their ids.

    A job already claimed STUCK_MAX_ATTEMPTS times ends as failed (its upload deleted) instead.
    """
    return sweeper.rows_requeue_stuck(
        model=ImportJob, in_progress=Status.RUNNING, after_seconds=settings.IMPORT_STUCK_AFTER_SECONDS,
        give_up=lambda job_id: import_job_give_up(job_id=job_id),
        enqueue=lambda job_id: enqueue.import_job_enqueue(job_id=job_id), now=now)
