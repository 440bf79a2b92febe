import pytest
from django.core.files.storage import FileSystemStorage, default_storage

pytestmark = pytest.mark.django_db


def test_healthz_reports_every_part_as_fine(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {
        "database": {"ok": True, "vendor": "sqlite"},
        "broker": {"ok": True, "mode": "in-process"},
        "storage": {"ok": True, "backend": "local"},
        "emotion": {"ok": True, "backend": "local", "model": "face-api 1.7.15 (landmark 68 + expression)"},
    }}
    assert default_storage.listdir("healthz") == ([], [])  # the probe cleaned up after itself


def test_healthz_is_503_and_names_the_broken_part_when_the_broker_is_down(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1

    response = client.get("/healthz")

    body = response.json()
    assert response.status_code == 503
    assert body["status"] == "error"
    assert body["checks"]["broker"]["ok"] is False
    assert "Error" in body["checks"]["broker"]["error"]
    assert body["checks"]["database"]["ok"] is True


def test_healthz_is_503_when_storage_cannot_be_written(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise PermissionError("read-only file system")

    monkeypatch.setattr(FileSystemStorage, "save", refuse)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["checks"]["storage"] == {"ok": False, "error": "PermissionError: read-only file system"}
