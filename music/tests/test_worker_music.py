"""Music's tasks on a real Celery worker over Redis and PostgreSQL: killed mid-task, failed for good, swept.

A worker is caught in the middle of a task for real: a second PostgreSQL session
holds a lock on a table the task reads after its claim, so the task waits there
while the test kills the worker (SIGKILL), as the kernel's OOM killer would.
"""

import datetime
import signal
import time

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from conftest import send_task, table_locked, wait_for
from music.management.commands.load_starter_catalogue import STARTER
from music.models import ImportJob, Playlist, Recommendation, Track
from music.services.imports import tracks_import
from music.tests.factories import DoneCaptureFactory

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

BUILD = "music.tasks.playlist_build_task"
IMPORT = "music.tasks.import_job_run_task"
CSV = "name,artist,album,year,mood\nOne,A,X,2001,Happy\nTwo,B,X,2002,Sad\n"
# Both workers redeliver a dead worker's message after 2 s instead of an hour.
QUICK_REDELIVERY = {"CELERY_VISIBILITY_TIMEOUT": "2"}


def _playlist(**fields) -> Playlist:
    capture = DoneCaptureFactory()
    return Playlist.objects.create(capture=capture, user_id=capture.user_id, strategy="match",
                                   **{"emotion": capture.emotion, **fields})


def _playlist_row(playlist_id: int) -> tuple:
    return Playlist.objects.values_list("status", "attempts").get(id=playlist_id)


def _job_row(job_id: int) -> tuple:
    return ImportJob.objects.values_list("status", "attempts", "file_name").get(id=job_id)


def _log(worker) -> str:
    return "".join(worker.log)


def test_a_worker_killed_mid_build_leaves_the_list_to_the_sweeper_which_builds_it_once(
        celery_worker_process, redis_broker_url, broker):
    # given songs, and a worker stuck in a build it has claimed (waiting on the listener's history)
    tracks_import(paths=[STARTER], format="starter")
    playlist = _playlist()
    first = celery_worker_process(**QUICK_REDELIVERY)
    with table_locked("music_recommendation"):
        task_id = send_task(BUILD, args=(playlist.id,), broker_url=redis_broker_url)
        wait_for(lambda: _playlist_row(playlist.id) == ("building", 1))

        # when the worker is killed outright and, past the visibility timeout, another one starts
        first.stop(signal.SIGKILL)
        time.sleep(2)
        second = celery_worker_process(**QUICK_REDELIVERY)

        # then the unacknowledged build is delivered again and finds the playlist claimed: nothing is built twice
        wait_for(lambda: f"Task {BUILD}[{task_id}] succeeded" in _log(second), timeout=30)
    assert _playlist_row(playlist.id) == ("building", 1)
    assert Recommendation.objects.filter(playlist_id=playlist.id).count() == 0

    # when the sweeper finds it stuck (past PLAYLIST_STUCK_AFTER_SECONDS, longer than any task may run)
    Playlist.objects.filter(id=playlist.id).update(
        started_at=timezone.now() - datetime.timedelta(seconds=settings.PLAYLIST_STUCK_AFTER_SECONDS + 1))
    broker(redis_broker_url)
    call_command("requeue_stuck_playlists")

    # then it is built to the end, once: one list of ten songs
    wait_for(lambda: _playlist_row(playlist.id) == ("ready", 2), timeout=30)
    assert Playlist.objects.filter(capture_id=playlist.capture_id).count() == 1
    assert Recommendation.objects.filter(playlist_id=playlist.id).count() == 10
    assert list(Recommendation.objects.filter(playlist_id=playlist.id).values_list("rank", flat=True)) == \
        list(range(1, 11))


def test_a_build_whose_database_connection_is_killed_is_retried_not_failed_and_the_sweeper_finishes_it(
        celery_worker_process, redis_broker_url, broker):
    # given a worker in the middle of a build it has claimed, holding its database connection
    tracks_import(paths=[STARTER], format="starter")
    playlist = _playlist()
    worker = celery_worker_process()
    with table_locked("music_recommendation") as locker:
        task_id = send_task(BUILD, args=(playlist.id,), broker_url=redis_broker_url)
        wait_for(lambda: _playlist_row(playlist.id) == ("building", 1))

        # when PostgreSQL drops the worker's connection (as a restart does)
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = "
                           "current_database() AND pid NOT IN (pg_backend_pid(), %s)", [locker])
            assert cursor.fetchone()[0] == 1

        # then the task is retried (a lost connection is transient), and the retry finds the list claimed
        wait_for(lambda: f"Task {BUILD}[{task_id}] retry: Retry in " in _log(worker), timeout=30)
        wait_for(lambda: f"Task {BUILD}[{task_id}] succeeded" in _log(worker), timeout=30)
    assert _playlist_row(playlist.id) == ("building", 1)  # not failed: the sweeper's to finish

    # when the sweeper finds it stuck, it is built once, by the same worker on a new connection
    Playlist.objects.filter(id=playlist.id).update(
        started_at=timezone.now() - datetime.timedelta(seconds=settings.PLAYLIST_STUCK_AFTER_SECONDS + 1))
    broker(redis_broker_url)
    call_command("requeue_stuck_playlists")
    wait_for(lambda: _playlist_row(playlist.id) == ("ready", 2), timeout=30)
    assert Recommendation.objects.filter(playlist_id=playlist.id).count() == 10
    assert worker.process.poll() is None


def test_a_build_that_fails_for_good_ends_failed_and_the_page_says_so(celery_worker_process, redis_broker_url,
                                                                      client):
    # given a playlist whose build raises an error no retry can fix (an emotion the ranking does not know)
    playlist = _playlist(emotion="BOGUS")
    worker = celery_worker_process()

    task_id = send_task(BUILD, args=(playlist.id,), broker_url=redis_broker_url)

    # then the task fails once, is not retried, and the list ends failed with a readable message
    wait_for(lambda: f"Task {BUILD}[{task_id}] raised unexpected: KeyError" in _log(worker), timeout=30)
    wait_for(lambda: _playlist_row(playlist.id) == ("failed", 1))
    assert Playlist.objects.values_list("error", flat=True).get(id=playlist.id) == \
        "We could not build this list just now. Please try again."
    assert f"Task {BUILD}[{task_id}] retry" not in _log(worker)

    # and the page the script polls shows it, with a way to try again, and no longer polls
    client.force_login(playlist.user)
    page = client.get(f"/captures/{playlist.capture_id}/songs/list/").content.decode()
    assert "We could not build this list just now. Please try again.</p>" in page
    assert '<button type="submit" class="button">Try again</button>' in page
    assert "data-building" not in page


def test_a_worker_killed_mid_import_leaves_the_job_to_the_sweeper_which_imports_once_and_deletes_the_upload(
        celery_worker_process, redis_broker_url, broker):
    # given an uploaded CSV and a worker stuck in its import, which it has claimed
    name = default_storage.save("imports/upload.csv", ContentFile(CSV.encode()))
    job = ImportJob.objects.create(file_name=name, original_name="mine.csv")
    first = celery_worker_process(**QUICK_REDELIVERY)
    with table_locked("music_track"):
        task_id = send_task(IMPORT, args=(job.id,), broker_url=redis_broker_url)
        wait_for(lambda: _job_row(job.id)[:2] == ("running", 1))

        # when the worker is killed outright and another one starts
        first.stop(signal.SIGKILL)
        time.sleep(2)
        second = celery_worker_process(**QUICK_REDELIVERY)

        # then the redelivered message finds the job claimed and leaves it (and its upload) alone
        wait_for(lambda: f"Task {IMPORT}[{task_id}] succeeded" in _log(second), timeout=30)
    assert _job_row(job.id) == ("running", 1, name)
    assert default_storage.exists(name)

    # when the sweeper finds it stuck (past IMPORT_STUCK_AFTER_SECONDS, longer than the import may run)
    ImportJob.objects.filter(id=job.id).update(
        started_at=timezone.now() - datetime.timedelta(seconds=settings.IMPORT_STUCK_AFTER_SECONDS + 1))
    broker(redis_broker_url)
    call_command("requeue_stuck_imports")

    # then it is imported once, to the end, and the upload is gone
    wait_for(lambda: _job_row(job.id) == ("done", 2, ""), timeout=30)
    assert ImportJob.objects.values_list("message", flat=True).get(id=job.id) == \
        "created 2, updated 0, unchanged 0, skipped 0"
    assert sorted(Track.objects.values_list("name", flat=True)) == ["One", "Two"]
    assert default_storage.listdir("imports") == ([], [])


def test_an_import_that_fails_for_good_ends_failed_with_its_message_and_the_upload_deleted(
        celery_worker_process, redis_broker_url, admin_client):
    # given a job whose import crashes: its stored "file" is a folder
    (settings.MEDIA_ROOT / "imports" / "folder.csv").mkdir(parents=True)
    job = ImportJob.objects.create(file_name="imports/folder.csv", original_name="mine.csv")
    worker = celery_worker_process()

    task_id = send_task(IMPORT, args=(job.id,), broker_url=redis_broker_url)

    wait_for(lambda: f"Task {IMPORT}[{task_id}] raised unexpected" in _log(worker), timeout=30)
    wait_for(lambda: _job_row(job.id)[0] == "failed")
    assert _job_row(job.id) == ("failed", 1, "")
    message = ImportJob.objects.values_list("message", flat=True).get(id=job.id)
    assert message.startswith("The import stopped before it finished (the worker failed or ran out of time). "
                              "Nothing was imported. (IsADirectoryError: ")
    assert Track.objects.count() == 0
    assert default_storage.listdir("imports") == ([], [])
    assert "Nothing was imported. (IsADirectoryError" in admin_client.get(
        f"/admin/music/importjob/{job.id}/change/").content.decode()
