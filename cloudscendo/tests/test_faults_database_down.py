"""PostgreSQL cannot be reached (restarting): requests answer 503 with Retry-After, never 500, and save nothing;
once it is back the same requests succeed.

The web process's connection is pointed at a port where nothing listens, as while PostgreSQL
restarts: every connection attempt is refused by the operating system, for real.
"""

import contextlib
import socket

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from accounts.tests.factories import UserFactory
from cloudscendo.outage import DATABASE_DOWN_MESSAGE
from cloudscendo.tests.api import token_client
from moods.models import MoodCapture
from moods.tests.factories import stored_files
from moods.tests.images import astronaut_jpeg
from music.models import ImportJob

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@contextlib.contextmanager
def database_unreachable():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead_port = probe.getsockname()[1]
    saved = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = dead_port
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["PORT"] = saved


def _photo() -> SimpleUploadedFile:
    return SimpleUploadedFile("me.jpg", astronaut_jpeg(), content_type="image/jpeg")


def _requests(client, api):
    return [client.post(reverse("capture_mood"), {"emotion": "HAPPY"}),
            api.post("/api/captures/", {"photo": _photo()}, format="multipart"),
            client.post("/admin/music/importjob/add/",
                        {"upload": SimpleUploadedFile("more.csv", b"name,artist,album,year,mood\nOne,A,X,2001,Happy\n"),
                         "format": "auto"})]


def test_with_the_database_down_requests_answer_503_and_save_nothing_then_succeed_once_it_is_back(client):
    # given a logged-in admin with an API token
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    api = token_client(admin)

    # when PostgreSQL is down, a mood pick, an API upload and an admin import are refused with a clear 503
    with database_unreachable():
        answers = _requests(client, api)

    assert [answer.status_code for answer in answers] == [503, 503, 503]
    assert [answer["Retry-After"] for answer in answers] == ["10", "10", "10"]
    assert answers[0].content.decode() == DATABASE_DOWN_MESSAGE
    assert answers[1].json() == {"detail": DATABASE_DOWN_MESSAGE, "code": "database_unavailable"}
    # and nothing was saved: no row, no file
    assert (MoodCapture.objects.count(), ImportJob.objects.count(), stored_files()) == (0, 0, [])

    # when it is back, the same requests succeed
    # (tasks in-process here: the API upload is read before it answers, 201)
    assert [answer.status_code for answer in _requests(client, api)] == [302, 201, 302]
    assert MoodCapture.objects.count() == 2 and ImportJob.objects.count() == 1
