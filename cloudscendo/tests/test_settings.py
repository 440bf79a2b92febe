"""Settings are parsed strictly: start-up stops with the variable's name."""

import json
import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings

PRODUCTION_LIKE = {
    "DEBUG": "0",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "cloudscendo.example.com",
}


def _django(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "CELERY_", "DJANGO_"))}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, env={**clean, **env},
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize(("env", "message"), [
    ({"EMOTION_BACKEND": "foo"},
     "EMOTION_BACKEND='foo' is not allowed; choose one of: local, rekognition, hybrid."),
    ({"EMOTION_BACKEND": "hybrid"},
     "AWS_REGION must be set when EMOTION_BACKEND=hybrid."),
    ({"METRICS_BACKEND": "cloudwatch"},
     "AWS_REGION must be set when METRICS_BACKEND=cloudwatch."),
    ({"LOG_FORMAT": "xml"},
     "LOG_FORMAT='xml' is not allowed; choose one of: json, text."),
    ({"HEALTH_TOKEN": "short"},
     "HEALTH_TOKEN must be at least 16 characters"),
    ({"REKOGNITION_MAX_TPS": "0"},
     "REKOGNITION_MAX_TPS=0.0 must be between 0.1 and 10000."),
    ({"SENTRY_DSN": "sentry.example.com"},
     "SENTRY_DSN must be an http:// or https:// URL."),
    ({"STORAGE_BACKEND": "s3"},
     "AWS_STORAGE_BUCKET_NAME must be set when STORAGE_BACKEND=s3."),
    ({"STORAGE_BACKEND": "s3", "AWS_STORAGE_BUCKET_NAME": "faces"},
     "AWS_REGION must be set when STORAGE_BACKEND=s3."),
    ({"SEARCH_BACKEND": "kendra", "AWS_REGION": "eu-west-1"},
     "KENDRA_INDEX_ID must be set when SEARCH_BACKEND=kendra."),
    ({"VIDEO_BACKEND": "youtube"},
     "YOUTUBE_API_KEY must be set when VIDEO_BACKEND=youtube."),
    ({"API_TOKEN_TTL": "30d"},
     "API_TOKEN_TTL='30d' is not a whole number."),
    ({"DEBUG": "maybe"},
     "DEBUG='maybe' is not a boolean"),
    ({"DEBUG": "0"},
     "SECRET_KEY must be set when DEBUG is off."),
    ({"DATABASE_URL": "mysql://root@localhost/db"},
     "DATABASE_URL must start with postgres://, postgresql:// or sqlite://."),
    ({"CELERY_BROKER_URL": "kafka://localhost"},
     "CELERY_BROKER_URL must start with redis://, rediss://, amqp:// or amqps://."),
    ({"UPLOAD_MAX_BYTES": "ten"},
     "UPLOAD_MAX_BYTES='ten' is not a whole number."),
    ({"YOUTUBE_SEARCH_DAILY_LIMIT": "lots"},
     "YOUTUBE_SEARCH_DAILY_LIMIT='lots' is not a whole number."),
    ({"YOUTUBE_DAILY_UNITS": "-1"},
     "YOUTUBE_DAILY_UNITS=-1 must be at least 0."),
    ({"CAPTURE_STUCK_AFTER_SECONDS": "10"},
     "CAPTURE_STUCK_AFTER_SECONDS=10 must be above CELERY_TASK_TIME_LIMIT=120 (seconds): below it the sweeper "
     "could reset work a worker is still running."),
    ({"PLAYLIST_STUCK_AFTER_SECONDS": "120"},
     "PLAYLIST_STUCK_AFTER_SECONDS=120 must be above CELERY_TASK_TIME_LIMIT=120 (seconds)"),
    ({"IMPORT_STUCK_AFTER_SECONDS": "1800"},
     "IMPORT_STUCK_AFTER_SECONDS=1800 must be above IMPORT_TASK_TIME_LIMIT=1800 (seconds)"),
])
def test_a_bad_setting_stops_start_up_naming_the_variable(env, message):
    result = _django("check", **env)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_check_deploy_is_clean_with_production_like_variables():
    result = _django("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_LIKE)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."
    assert "WARNINGS" not in result.stderr


def test_the_embedded_default_needs_no_variable():
    result = _django("check")

    assert result.returncode == 0, result.stderr


def test_check_deploy_is_clean_with_the_env_file_make_run_prod_writes(tmp_path):
    # given the .env.prod that `make run-prod` writes on first run
    env_file = tmp_path / ".env.prod"
    written = subprocess.run([sys.executable, "cloudscendo/prod_env.py"], cwd=settings.BASE_DIR, capture_output=True,
                             text=True, timeout=30, check=True)
    env_file.write_text(written.stdout, encoding="utf-8")

    # when make run-prod checks it before starting the processes
    result = _django("check", "--deploy", "--fail-level", "WARNING", ENV_FILE=str(env_file))

    # then nothing is reported
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."


def test_queue_metrics_are_published_every_minute_on_a_redis_broker_only():
    # They read the broker's Redis lists: on RabbitMQ the task would fail every minute. A run that waited
    # in the queue past the next one is dropped (expires).
    show = ("import json; from django.conf import settings; "
            "print(json.dumps({name: entry.get('options') for name, entry in settings.CELERY_BEAT_SCHEDULE.items()}),"
            " json.dumps(settings.CELERY_BEAT_SCHEDULE.get('queue-metrics')), sep='\\n')")
    on_rabbit = _django("shell", "-c", show, CELERY_BROKER_URL="amqp://guest:guest@127.0.0.1:5672//")
    on_redis = _django("shell", "-c", show, CELERY_BROKER_URL="redis://127.0.0.1:6379/0")

    assert on_rabbit.returncode == 0, on_rabbit.stderr
    rabbit_names, rabbit_entry = on_rabbit.stdout.strip().splitlines()[-2:]
    assert "moods-requeue-stuck-captures" in json.loads(rabbit_names) and json.loads(rabbit_entry) is None
    assert json.loads(on_redis.stdout.strip().splitlines()[-1]) == {
        "task": "cloudscendo.tasks.queue_metrics_publish_task", "schedule": 60.0, "options": {"expires": 55}}
