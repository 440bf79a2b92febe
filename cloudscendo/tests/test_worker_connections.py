"""A worker keeps its database connection from task to task (CONN_MAX_AGE), as a web process does."""

import pytest
from celery.fixups.django import DjangoWorkerFixup
from django.db import connection

from cloudscendo.celery import _database_connections_recycle, app

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


class Task:
    def __init__(self, *, eager: bool) -> None:
        self.request = type("Request", (), {"is_eager": eager})()


def _backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def test_celerys_fixup_no_longer_closes_every_connection_around_each_task(settings):
    fixup = DjangoWorkerFixup(app)
    pid = _backend_pid()

    for _ in range(3):  # before and after three tasks
        fixup.close_database()
        fixup.close_database()

    assert _backend_pid() == pid
    assert fixup.db_reuse_max == settings.CELERY_DB_REUSE_MAX


def test_around_a_task_a_healthy_connection_is_kept_and_an_expired_one_closed():
    pid = _backend_pid()

    _database_connections_recycle(task=Task(eager=False))
    kept = _backend_pid()
    connection.close_at = 0  # past CONN_MAX_AGE
    _database_connections_recycle(task=Task(eager=False))

    assert kept == pid
    assert connection.connection is None


def test_a_task_run_in_process_leaves_the_callers_connection_alone():
    _backend_pid()
    connection.close_at = 0

    _database_connections_recycle(task=Task(eager=True))

    assert connection.connection is not None
