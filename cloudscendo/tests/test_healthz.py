"""/livez, /readyz and its alias /healthz: what they check, what they show to whom, and that they only read."""

import pytest
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db

TOKEN = "a-health-token-of-some-length"
DETAILS = {
    "database": {"ok": True, "vendor": "sqlite"},
    "broker": {"ok": True, "mode": "in-process"},
    "storage": {"ok": True, "backend": "local"},
    "emotion": {"ok": True, "backend": "local", "model": "face-api 1.7.15 (landmark 68 + expression)"},
}


@pytest.fixture
def token(settings):
    settings.HEALTH_TOKEN = TOKEN
    return {"HTTP_X_HEALTH_TOKEN": TOKEN}


def test_livez_answers_without_touching_the_database(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/livez")

    assert (response.status_code, response.json()) == (200, {"status": "ok"})
    assert len(queries) == 0


@pytest.mark.parametrize("path", ["/readyz", "/healthz"])
def test_an_anonymous_caller_sees_each_part_as_ok_and_nothing_else(client, path):
    response = client.get(path)

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {name: {"ok": True} for name in DETAILS}}


def test_the_health_token_shows_the_details(client, token):
    response = client.get("/readyz", **token)

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": DETAILS}


def test_a_wrong_token_shows_no_details(client, token):
    response = client.get("/readyz", HTTP_X_HEALTH_TOKEN=TOKEN + "x")

    assert response.json()["checks"]["database"] == {"ok": True}


def test_a_staff_session_alone_shows_no_details(admin_client, settings):
    settings.HEALTH_TOKEN = None

    assert admin_client.get("/readyz").json()["checks"]["storage"] == {"ok": True}


def test_readiness_writes_nothing_to_storage(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the probe wrote to storage")

    monkeypatch.setattr(FileSystemStorage, "save", refuse)
    monkeypatch.setattr(FileSystemStorage, "delete", refuse)

    response = client.get("/readyz")

    assert response.status_code == 200
    assert not default_storage.exists("healthz")


def test_readyz_is_503_and_names_the_broken_part_but_not_why_to_anonymous_callers(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json() == {"status": "error", "checks": {
        "database": {"ok": True}, "broker": {"ok": False}, "storage": {"ok": True}, "emotion": {"ok": True}}}
    assert b"Error" not in response.content and b"127.0.0.1" not in response.content


def test_readyz_tells_the_token_holder_why_the_broker_failed(client, settings, token):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"

    body = client.get("/readyz", **token).json()

    assert body["checks"]["broker"]["ok"] is False
    assert "Error" in body["checks"]["broker"]["error"]


def test_readyz_is_503_when_the_photo_folder_cannot_be_created(client, settings, token, tmp_path):
    # MEDIA_ROOT below a regular file: no upload could ever create it (a path typo, a file mounted there).
    (tmp_path / "a-file").write_text("not a folder")
    options = {**settings.STORAGES["default"]["OPTIONS"], "location": tmp_path / "a-file" / "media"}
    settings.STORAGES = {**settings.STORAGES, "default": {**settings.STORAGES["default"], "OPTIONS": options}}

    response = client.get("/readyz", **token)

    assert response.status_code == 503
    assert response.json()["checks"]["storage"] == {
        "ok": False, "error": f"PermissionError: {tmp_path / 'a-file'} is not a writable folder"}


def test_probes_answer_plain_http_on_any_host_in_production(client, settings):
    # A load balancer's health check: HTTP to the task's private address, which ALLOWED_HOSTS never lists.
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["cloudscendo.example.com"]

    ready = client.get("/readyz", HTTP_HOST="10.0.3.17:8000")
    live = client.get("/livez", HTTP_HOST="10.0.3.17:8000")
    page = client.get("/privacy/", HTTP_HOST="cloudscendo.example.com")

    assert (ready.status_code, live.status_code) == (200, 200)
    assert page.status_code == 301  # every other page still goes to HTTPS


@pytest.fixture
def s3_storage(settings, monkeypatch):
    """Photos on a moto S3 bucket, as STORAGE_BACKEND=s3 configures them."""
    import boto3
    from moto import mock_aws

    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(key, "testing")
    with mock_aws():
        settings.STORAGE_BACKEND = "s3"
        settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "storages.backends.s3.S3Storage",
                                                              "OPTIONS": {"bucket_name": "probe-bucket",
                                                                          "region_name": "eu-west-1"}}}
        yield boto3.client("s3", region_name="eu-west-1")


def test_readyz_finds_the_s3_bucket_without_writing_to_it(client, s3_storage, token):
    s3_storage.create_bucket(Bucket="probe-bucket", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})

    response = client.get("/readyz", **token)

    assert response.json()["checks"]["storage"] == {"ok": True, "backend": "s3"}
    assert s3_storage.list_objects_v2(Bucket="probe-bucket")["KeyCount"] == 0


def test_readyz_is_503_when_the_s3_bucket_is_missing(client, s3_storage, token):
    response = client.get("/readyz", **token)

    assert response.status_code == 503
    assert response.json()["checks"]["storage"]["error"].startswith("ClientError: An error occurred (404)")
