"""A worker child keeps its database connection across tasks, closing it only when broken or too old."""

from types import SimpleNamespace

import django.db
from django.conf import settings

from cloudscendo.celery import _database_connections_tidy


def _task(*, eager: bool) -> SimpleNamespace:
    return SimpleNamespace(request=SimpleNamespace(is_eager=eager))


def test_celerys_django_fixup_is_told_to_keep_the_connection_across_tasks():
    assert settings.CELERY_DB_REUSE_MAX == 1000


def test_around_a_worker_task_only_broken_or_old_connections_are_closed(monkeypatch):
    calls = []
    monkeypatch.setattr(django.db, "close_old_connections", lambda: calls.append("tidied"))

    _database_connections_tidy(task=_task(eager=False))

    assert calls == ["tidied"]


def test_a_task_run_in_process_leaves_the_requests_connection_alone(monkeypatch):
    calls = []
    monkeypatch.setattr(django.db, "close_old_connections", lambda: calls.append("tidied"))

    _database_connections_tidy(task=_task(eager=True))

    assert calls == []
