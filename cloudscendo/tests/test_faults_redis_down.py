"""Redis (the broker and the cache) goes down, or fills up: every request path keeps the user's write and
answers 2xx/3xx, and once Redis is back the sweepers send what was left queued and a real worker finishes all of it.

Redis here is a private redis-server (cloudscendo.tests.redis_server), stopped for real (connections
the web process had open drop, new ones are refused) or full (maxmemory reached with the default
noeviction policy: every write is refused with OOM, an error the broker client does not see as a
lost connection). The worker shares the test's PostgreSQL database.
"""

import datetime

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import PASSWORD, UserFactory
from cloudscendo import throttle
from cloudscendo.celery import app
from cloudscendo.tests.api import token_client
from cloudscendo.tests.redis_server import RedisServer
from conftest import wait_for
from moods.models import MoodCapture
from moods.tests.factories import stored_files
from moods.tests.images import astronaut_jpeg
from music.management.commands.load_starter_catalogue import STARTER
from music.models import ImportJob, Playlist
from music.services.imports import tracks_import

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

CSV = "name,artist,album,year,mood\nOne,A,X,2001,Happy\nTwo,B,X,2002,Sad\n"


@pytest.fixture
def private_redis(settings, broker, redis_server):
    """A private Redis as this process's broker (db 0) and cache (db 1), up; the test stops and starts it."""
    server = redis_server
    settings.CACHES = {**settings.CACHES, "default": {
        "BACKEND": "cloudscendo.cache.FailoverRedisCache", "LOCATION": server.url(1),
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2}}}
    broker(server.url(0))
    caches["fallback"].clear()  # a table no flush empties: what the test reads there must be its own
    return server


def _warm(server: RedisServer) -> None:
    # Connections open before the outage, as in a running site: they are the ones that drop.
    caches["default"].set("warm", 1)
    app.send_task("cloudscendo.tasks.worker_heartbeat_task")
    assert caches["default"].get("warm") == 1


def _backdate_queued() -> None:
    """Make every queued row older than its sweeper's limit, as minutes of outage would."""
    for model, limit in ((MoodCapture, settings.CAPTURE_STUCK_AFTER_SECONDS),
                         (Playlist, settings.PLAYLIST_STUCK_AFTER_SECONDS),
                         (ImportJob, settings.IMPORT_STUCK_AFTER_SECONDS)):
        model.objects.filter(status="queued").update(
            created_at=timezone.now() - datetime.timedelta(seconds=limit + 1))


def _all_finished() -> bool:
    return (not MoodCapture.objects.exclude(status="done").exists()
            and not Playlist.objects.exclude(status="ready").exists()
            and not ImportJob.objects.exclude(status="done").exists())


OUTAGES = {"stopped": (RedisServer.stop, RedisServer.start), "full": (lambda server: server.maxmemory(1),
                                                                      lambda server: server.maxmemory(0))}


@pytest.mark.parametrize("outage", OUTAGES)
def test_with_redis_down_every_path_keeps_the_write_and_once_it_is_back_everything_ends_done(
        client, private_redis, broker, celery_worker_process, outage):
    # given songs, a listener, an admin, and Redis failing under a running site
    tracks_import(paths=[STARTER], format="starter")
    listener = UserFactory()
    api = token_client(listener)
    _warm(private_redis)
    begin, end = OUTAGES[outage]
    begin(private_redis)

    # when each path is used during the outage, then each answers 2xx/3xx, never 500
    assert client.post(reverse("login"), {"username": listener.username, "password": "wrong"}).status_code == 200
    assert client.post(reverse("login"), {"username": listener.username, "password": PASSWORD}).status_code == 302
    assert api.post("/api/auth/token/", {"username": listener.username, "password": PASSWORD},
                    format="json").status_code == 200

    picked = client.post(reverse("capture_mood"), {"emotion": "HAPPY"})
    assert picked.status_code == 302
    capture = MoodCapture.objects.get(user=listener, source="manual")
    assert picked.url == reverse("capture_detail", args=[capture.id])

    new_songs = client.post(reverse("music:capture_songs_change", args=[capture.id]), {"action": "new"})
    assert new_songs.status_code == 302

    uploaded = api.post("/api/captures/", {"photo": SimpleUploadedFile("me.jpg", astronaut_jpeg(),
                                                                       content_type="image/jpeg")},
                        format="multipart")
    assert uploaded.status_code == 202
    assert api.post("/api/captures/", {"emotion": "SAD"}, format="json").status_code == 201

    # a superuser: the curator group is migration data, which transactional tests flush
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    imported = client.post("/admin/music/importjob/add/",
                           {"upload": SimpleUploadedFile("more.csv", CSV.encode()), "format": "auto"})
    assert imported.status_code == 302

    # then every write is kept, what needs a worker left queued for the sweepers (no send reached a broker);
    # a picked mood's first list needs none: it is stored with the capture, in the request
    assert sorted(MoodCapture.objects.values_list("source", "status")) == [("manual", "done"), ("manual", "done"),
                                                                           ("upload", "queued")]
    assert sorted(Playlist.objects.values_list("emotion", "fresh", "status")) == [
        ("HAPPY", False, "ready"), ("HAPPY", True, "queued"), ("SAD", False, "ready")]
    job = ImportJob.objects.get()
    assert job.status == "queued" and default_storage.exists(job.file_name)
    # and the throttles kept counting, in the database cache, while Redis was down
    assert caches["fallback"].get(throttle.key("captures", str(listener.pk))) is not None

    # when Redis is back, a worker runs and the sweepers send what was left queued
    end(private_redis)
    broker(private_redis.url(0))
    celery_worker_process(CELERY_BROKER_URL=private_redis.url(0))
    _backdate_queued()
    for command in ("requeue_stuck_captures", "requeue_stuck_playlists", "requeue_stuck_imports"):
        call_command(command)

    # then nothing is lost: every capture is done, every list (the photo's, made after its analysis, too) ready
    wait_for(_all_finished, timeout=60)
    assert MoodCapture.objects.count() == 3
    assert Playlist.objects.count() == 4
    assert Playlist.objects.filter(capture__source="upload").count() == 1
    assert ImportJob.objects.get().summary["created"] == 2
    # and nothing is half-saved: the one photo kept is the upload's row's, and the CSV went with its job
    photo = MoodCapture.objects.get(source="upload").image.name
    assert stored_files() == [photo]
    assert ImportJob.objects.get().file_name == ""
