"""Structured logs: a request id per request, echoed back, in every line, and carried into the tasks it enqueues."""

import io
import json
import logging

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.tests.factories import UserFactory
from cloudscendo.env import env_choice
from cloudscendo.logs import logging_config
from conftest import wait_for
from moods.models import MoodCapture
from moods.tests.images import astronaut_jpeg


@pytest.fixture
def json_lines():
    """Collect what the root logger writes through the JSON configuration, as parsed objects."""
    import logging.config

    stream = io.StringIO()
    config = logging_config(log_format="json", level="INFO")
    config["handlers"]["console"]["stream"] = stream
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    logging.config.dictConfig(config)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.mark.django_db
def test_a_sane_request_id_from_the_caller_is_kept_and_echoed(client):
    response = client.get("/livez", HTTP_X_REQUEST_ID="req-0123456789abcdef")

    assert response["X-Request-ID"] == "req-0123456789abcdef"


@pytest.mark.django_db
@pytest.mark.parametrize("sent", [None, "short", "x" * 129, "abc def 012345", 'forged"}\n{"level": "ERROR'])
def test_a_missing_or_odd_request_id_is_replaced_by_a_new_one(client, sent):
    headers = {} if sent is None else {"HTTP_X_REQUEST_ID": sent}

    first = client.get("/livez", **headers)["X-Request-ID"]
    second = client.get("/livez", **headers)["X-Request-ID"]

    assert len(first) == 32 and int(first, 16) >= 0  # 32 hex digits: a uuid4
    assert first != second


@pytest.mark.django_db
def test_each_json_line_of_a_request_names_its_id(client, json_lines):
    response = client.get("/no-such-page/", HTTP_X_REQUEST_ID="req-0123456789abcdef")

    lines = [line for line in json_lines() if line["logger"] == "django.request"]
    assert response.status_code == 404
    assert len(lines) == 1
    assert {key: lines[0][key] for key in ("level", "message", "request_id", "task_id")} == {
        "level": "WARNING", "message": "Not Found: /no-such-page/", "request_id": "req-0123456789abcdef",
        "task_id": None}
    assert lines[0]["time"].endswith("Z")


def test_a_traceback_stays_inside_its_json_line(json_lines):
    try:
        raise ValueError("bad value")
    except ValueError:
        logging.getLogger("cloudscendo.test").exception("it broke")

    (line,) = json_lines()
    assert line["message"] == "it broke"
    assert line["exception"].startswith("Traceback") and line["exception"].endswith("ValueError: bad value")


def test_log_format_is_parsed_strictly(monkeypatch):
    monkeypatch.setenv("LOG_FORMAT", "yaml")

    with pytest.raises(ImproperlyConfigured, match="LOG_FORMAT='yaml' is not allowed; choose one of: json, text"):
        env_choice("LOG_FORMAT", ("json", "text"), "json")


def test_production_settings_log_json():
    import subprocess
    import sys

    from conftest import ROOT

    code = "import django; django.setup(); from django.conf import settings; print(settings.LOG_FORMAT)"
    env = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "cloudscendo.settings", "DEBUG": "0",
           "SECRET_KEY": "x" * 50}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                            check=True)

    assert result.stdout.strip() == "json"


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_the_task_an_upload_enqueues_logs_with_the_upload_request_id(client, broker, redis_broker_url,
                                                                      celery_worker_process):
    # given a worker logging JSON, and this process publishing to its broker
    broker(redis_broker_url)
    worker = celery_worker_process(queues="analysis", LOG_FORMAT="json")
    client.force_login(UserFactory())

    # when a photo upload queues its analysis
    response = client.post("/capture/", {"photo": SimpleUploadedFile("me.jpg", astronaut_jpeg()), "source": "upload"},
                           HTTP_X_REQUEST_ID="upload-request-42")

    # then the worker's lines for that task carry the upload's request id
    capture = MoodCapture.objects.get()
    wait_for(lambda: MoodCapture.objects.filter(id=capture.id, status="done").exists(), timeout=60)
    wait_for(lambda: "succeeded" in "".join(worker.log))
    lines = [json.loads(line) for line in worker.log if line.startswith("{")]
    done = [line for line in lines if "succeeded" in line["message"]]
    assert response["X-Request-ID"] == "upload-request-42"
    assert len(done) == 1
    assert done[0]["request_id"] == "upload-request-42"
    assert done[0]["task_id"] and done[0]["task_id"] in done[0]["message"]


@pytest.mark.django_db
def test_the_id_is_gone_once_the_response_is_closed(client):
    from cloudscendo.logs import request_id_var

    client.get("/livez", HTTP_X_REQUEST_ID="req-0123456789abcdef")

    assert request_id_var.get() is None
