"""CSV imports started from the admin: store the upload, run it in a task with progress, delete the file."""

import shutil
import tempfile
import uuid
from functools import partial
from pathlib import Path

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import get_valid_filename

from music.importers import ImportRejected
from music.models import ImportJob


def import_job_create(*, upload: UploadedFile, format: str, user_id: int | None) -> ImportJob:
    """Store an uploaded CSV and queue its import after commit."""
    from music.tasks import import_job_run_task

    name = default_storage.save(f"imports/{uuid.uuid4().hex}.csv", upload)
    job = ImportJob.objects.create(file_name=name, original_name=get_valid_filename(Path(upload.name).name),
                                   format=format, created_by_id=user_id)
    transaction.on_commit(partial(import_job_run_task.delay, job.id), robust=True)
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


def _finish(job_id: int, **fields) -> None:
    ImportJob.objects.filter(id=job_id).update(finished_at=timezone.now(), file_name="", **fields)


def import_job_run(*, job_id: int) -> None:
    """Run a queued import; a second delivery does nothing. The stored upload is deleted either way."""
    if not ImportJob.objects.filter(id=job_id, status=ImportJob.Status.QUEUED).update(
            status=ImportJob.Status.RUNNING):
        return
    job = ImportJob.objects.get(id=job_id)
    with tempfile.TemporaryDirectory(prefix="cloudscendo-import-") as folder:
        path = Path(folder) / job.original_name
        with default_storage.open(job.file_name, "rb") as source, path.open("wb") as target:
            shutil.copyfileobj(source, target)
        rows = sum(1 for _ in path.open("rb")) - 1
        try:
            from music.services.imports import tracks_import  # pandas loads only when a job runs

            summary = tracks_import(paths=[path], format=job.format, progress=_Progress(job_id, rows))
        except ImportRejected as error:
            _finish(job_id, status=ImportJob.Status.FAILED, message=str(error))
        else:
            _finish(job_id, status=ImportJob.Status.DONE, progress=100, summary=summary.as_dict(),
                    message=summary.text())
        finally:
            default_storage.delete(job.file_name)
