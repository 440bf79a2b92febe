"""Every task of ours retries a lost database connection (PostgreSQL restarting or failing over).

The mechanism, on a real worker whose connection PostgreSQL kills mid-task, is shown in
moods/tests/test_worker_database.py and music/tests/test_worker_music.py; this checks no task is left out.
"""

from django.db import InterfaceError, OperationalError

from cloudscendo.celery import app

APPS = ("accounts.", "cloudscendo.", "moods.", "music.")
# Reads the broker's queues only, never the database; a late gauge is worth nothing, so it never retries.
NO_DATABASE = {"cloudscendo.tasks.queue_metrics_publish_task"}


def test_every_project_task_retries_a_lost_database_connection_with_backoff():
    app.loader.import_default_modules()  # autodiscover_tasks(), as a worker does at start
    tasks = {name: task for name, task in app.tasks.items() if name.startswith(APPS) and name not in NO_DATABASE}

    missing = sorted(name for name, task in tasks.items()
                     if not {OperationalError, InterfaceError} <= set(getattr(task, "autoretry_for", ())))
    no_backoff = sorted(name for name, task in tasks.items() if not task.retry_backoff)

    assert len(tasks) == 13
    assert missing == []
    assert no_backoff == []
