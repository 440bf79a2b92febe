"""A capture (or the whole account) deleted while a real worker builds its song list: the delete answers 302,
the capture and its list are gone, and the build ends quietly (succeeded, nothing stored).

The worker is caught where the race was (issue 13: 5 of 80 deletes answered 500 and the capture
survived): a second PostgreSQL session holds the capture's row lock, so the build waits at the
start of the transaction that stores the songs, and the delete arrives while it waits.
"""

import threading

import psycopg
import pytest
from django.db import connection, connections

from accounts.models import User
from accounts.tests.factories import PASSWORD, UserFactory
from conftest import send_task, wait_for
from moods.models import MoodCapture
from moods.tests.factories import MoodCaptureFactory, stored_files
from music.management.commands.load_starter_catalogue import STARTER
from music.models import Playlist, Recommendation
from music.services.imports import tracks_import

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

BUILD = "music.tasks.playlist_build_task"
# What is deleted: (the request, its data, where it answers); {id} is the capture's.
DELETES = {"capture": ("/captures/{id}/delete/", {}, "/history/"),
           "account": ("/accounts/delete/", {"password": PASSWORD}, "/")}


def _sessions_waiting_on_a_lock() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                       "AND wait_event_type = 'Lock'")
        return cursor.fetchone()[0]


def _other_session():
    s = connection.settings_dict
    return psycopg.connect(host=s["HOST"] or "127.0.0.1", port=s["PORT"] or 5432, user=s["USER"] or "postgres",
                           password=s["PASSWORD"] or None, dbname=s["NAME"])


@pytest.mark.parametrize("deleted", DELETES)
def test_a_capture_deleted_while_its_list_is_stored_is_gone_with_its_list_and_the_build_ends_quietly(
        client, celery_worker_process, redis_broker_url, deleted):
    # given a listener's analysed photo whose song list a real worker has claimed
    tracks_import(paths=[STARTER], format="starter")
    listener = UserFactory()
    capture = MoodCaptureFactory(user=listener, status="done", emotion="HAPPY", confidence=90.0)
    playlist = Playlist.objects.create(capture=capture, user=listener, emotion="HAPPY", strategy="match")
    worker = celery_worker_process()
    client.force_login(listener)
    with _other_session() as other:
        other.execute("SELECT id FROM moods_moodcapture WHERE id = %s FOR UPDATE", [capture.id])
        task_id = send_task(BUILD, args=(playlist.id,), broker_url=redis_broker_url)
        wait_for(lambda: _sessions_waiting_on_a_lock() == 1, timeout=30)  # the build, about to store its songs
        assert Playlist.objects.values_list("status", flat=True).get(id=playlist.id) == "building"

        # when the listener deletes the capture (or their account) meanwhile
        answers, errors = [], []
        path, data, answer_url = DELETES[deleted]

        def delete() -> None:
            try:
                answers.append(client.post(path.format(id=capture.id), data))
            except Exception as error:  # noqa: BLE001 - the test client raises what would be a 500
                errors.append(error)
            finally:
                connections.close_all()  # this thread's own connection

        deleting = threading.Thread(target=delete)
        deleting.start()
        wait_for(lambda: _sessions_waiting_on_a_lock() == 2, timeout=30)
        other.rollback()  # the lock goes: the build and the delete run in turn
        deleting.join(30)

    # then the delete answers as usual, and the capture, its list, its songs and its photo are all gone
    assert errors == []
    assert [(answer.status_code, answer.url) for answer in answers] == [(302, answer_url)]
    assert User.objects.filter(id=listener.id).exists() == (deleted == "capture")
    assert not MoodCapture.objects.filter(id=capture.id).exists()
    assert not Playlist.objects.filter(capture_id=capture.id).exists()
    assert not Recommendation.objects.filter(capture_id=capture.id).exists()
    assert stored_files() == []
    # and the build ended quietly: succeeded, not failed or retried
    wait_for(lambda: f"Task {BUILD}[{task_id}] succeeded" in "".join(worker.log), timeout=30)
    assert f"Task {BUILD}[{task_id}] raised" not in "".join(worker.log)
    assert f"Task {BUILD}[{task_id}] retry" not in "".join(worker.log)
