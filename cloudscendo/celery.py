import os

from celery import Celery
from celery.signals import setup_logging, task_postrun, task_prerun, worker_process_init

from cloudscendo import logs  # noqa: F401 - connects the signals that carry the request id into tasks
from cloudscendo.env import load_dotenv

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cloudscendo.settings")

app = Celery("cloudscendo")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@setup_logging.connect
def _logging_from_settings(**kwargs) -> None:
    # Connected, this replaces Celery's own logging set-up: the worker and beat log in the format
    # LOG_FORMAT chooses, with the request and task ids, like the web processes.
    import logging.config

    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)


@worker_process_init.connect
def _emotion_model_load(**kwargs) -> None:
    # Each prefork child loads the emotion model (and its face detectors) as it starts, so
    # that its first capture is not the one that waits for it (~0.3 s).
    from moods.services import emotion_detector_load

    emotion_detector_load()


@task_prerun.connect
@task_postrun.connect
def _database_connections_recycle(task=None, **kwargs) -> None:
    # What Django does around each web request, around each task: a connection past CONN_MAX_AGE, broken
    # or left in a failed state is closed, a healthy one kept (CELERY_DB_REUSE_MAX stops Celery closing
    # them all). Not for a task run in-process (eager): it runs inside the caller's request, maybe in its
    # transaction, whose connection is the request's to manage.
    if task is not None and getattr(task.request, "is_eager", False):
        return
    from django.db import close_old_connections

    close_old_connections()


def load_project_dotenv() -> None:
    """manage.py, wsgi and asgi call this to read ./.env, or $ENV_FILE; tests do not.

    The Celery worker and beat do not call it: they get their environment from whatever starts
    them (honcho with -e .env.prod in `make run-prod`, or the platform's process manager).
    """
    from pathlib import Path

    load_dotenv(Path(__file__).resolve().parent.parent / os.environ.get("ENV_FILE", ".env"))
