"""The photo store is unreachable at upload: a clear 503, and no row without its photo."""

import socket

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.tests.factories import UserFactory
from cloudscendo.aws import client_config
from moods.models import MoodCapture
from moods.services import STORAGE_DOWN_MESSAGE
from moods.tests.images import astronaut_jpeg

pytestmark = pytest.mark.django_db


def _dead_endpoint() -> str:
    """An address on this machine where nothing listens: every connection is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}"


@pytest.fixture
def s3_unreachable(settings, monkeypatch):
    for key, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}.items():
        monkeypatch.setenv(key, value)
    # As settings._default_storage() builds it for STORAGE_BACKEND=s3, with a bucket nobody can reach.
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
        "bucket_name": "cloudscendo-test-captures", "region_name": "eu-west-1", "endpoint_url": _dead_endpoint(),
        "location": "captures", "default_acl": None, "file_overwrite": False,
        "client_config": client_config(connect_timeout=1, read_timeout=1, signature_version="s3v4",
                                       s3={"addressing_style": "path"})}}}


def _send(client, **headers):
    client.force_login(UserFactory())
    return client.post("/capture/", {"photo": SimpleUploadedFile("me.jpg", astronaut_jpeg()), "source": "upload"},
                       headers=headers)


def test_with_s3_unreachable_the_page_script_gets_a_503_and_nothing_is_saved(client, s3_unreachable, caplog):
    response = _send(client, accept="application/json")

    assert response.status_code == 503
    assert response.json() == {"detail": STORAGE_DOWN_MESSAGE}
    assert not MoodCapture.objects.exists()
    assert any(message.startswith("photo store unreachable: Could not connect to the endpoint URL")
               for message in caplog.messages)


def test_with_the_local_disk_failing_the_form_shows_a_503_error_and_nothing_is_saved(client, settings):
    # given a media folder that cannot be created (a file is in its way)
    blocked = settings.MEDIA_ROOT.parent / "not-a-folder"
    blocked.write_bytes(b"")
    options = {**settings.STORAGES["default"]["OPTIONS"], "location": blocked}
    settings.STORAGES = {**settings.STORAGES, "default": {**settings.STORAGES["default"], "OPTIONS": options}}

    response = _send(client)

    assert response.status_code == 503
    assert STORAGE_DOWN_MESSAGE in response.content.decode()
    assert 'id="upload-form"' in response.content.decode()
    assert not MoodCapture.objects.exists()
    assert blocked.read_bytes() == b""
