"""A real worker process configured for S3 by its environment (moto's server): it cleans what the browser sent
straight to the bucket, deletes a rejected upload, and its beat sweeper ends the captures never confirmed."""

import datetime

import pytest
import requests
from django.utils import timezone

from accounts.tests.factories import UserFactory
from conftest import send_task, wait_for
from moods import services
from moods.models import MoodCapture
from moods.tests.images import astronaut_jpeg
from moods.tests.s3_server import REGION
from moods.tests.test_capture_upload import HTML

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

JSON = {"HTTP_ACCEPT": "application/json"}


def _s3_env(server) -> dict[str, str]:
    """What settings.py reads for STORAGE_BACKEND=s3, pointed at moto (the AWS keys are in os.environ already)."""
    return {"STORAGE_BACKEND": "s3", "AWS_STORAGE_BUCKET_NAME": server.bucket, "AWS_REGION": REGION,
            "AWS_S3_ENDPOINT_URL": server.url, "AWS_S3_ADDRESSING_STYLE": "path", "AWS_S3_PREFIX": "captures"}


def _sent(client, server, content: bytes) -> dict:
    """Start an upload and send the photo to the bucket as the page does (typed image/jpeg)."""
    answer = client.post("/capture/upload/", {"source": "upload", "content_type": "image/jpeg",
                                              "size": len(content)}, **JSON).json()
    upload = answer["upload"]
    sent = requests.post(upload["url"], data={**upload["fields"], "Content-Type": "image/jpeg"},
                         files={"file": ("me.jpg", content, "image/jpeg")}, timeout=10)
    assert sent.status_code == 204
    return answer


def _keys(server) -> list[str]:
    return sorted(item["Key"] for item in server.client.list_objects_v2(Bucket=server.bucket).get("Contents", []))


def _ended(capture_id: int) -> MoodCapture | None:
    capture = MoodCapture.objects.get(id=capture_id)
    return capture if capture.status not in ("awaiting", "queued", "analysing") else None


@pytest.mark.parametrize(("content", "status", "error"), [
    (astronaut_jpeg(), "done", ""),
    (HTML, "failed", "This file is not an image. Send a JPEG, PNG or WebP photo."),
])
def test_the_worker_cleans_or_deletes_what_the_browser_sent(client, s3_server, celery_worker_process, broker,
                                                             redis_broker_url, content, status, error):
    celery_worker_process(queues="analysis", **_s3_env(s3_server))
    broker(redis_broker_url)  # the confirmation sends the analysis to the worker, not in-process
    client.force_login(UserFactory())
    answer = _sent(client, s3_server, content)

    assert client.post(answer["confirm_url"], **JSON).status_code == 202

    capture = wait_for(lambda: _ended(MoodCapture.objects.get().id), timeout=60)
    assert (capture.status, capture.error) == (status, error)
    assert _keys(s3_server) == ([f"captures/{capture.image.name}"] if status == "done" else [])
    assert capture.image.name.startswith("photos/") if status == "done" else capture.image.name == ""


def test_the_beat_sweeper_ends_a_capture_never_confirmed_and_deletes_its_object(client, s3_server,
                                                                              celery_worker_process,
                                                                              redis_broker_url, settings):
    celery_worker_process(queues="celery", **_s3_env(s3_server))
    client.force_login(UserFactory())
    _sent(client, s3_server, astronaut_jpeg())
    limit = settings.AWS_S3_UPLOAD_EXPIRE + settings.CAPTURE_STUCK_AFTER_SECONDS
    MoodCapture.objects.update(created_at=timezone.now() - datetime.timedelta(seconds=limit + 60))

    send_task(settings.CELERY_BEAT_SCHEDULE["moods-sweep-abandoned-uploads"]["task"], broker_url=redis_broker_url)

    capture = wait_for(lambda: _ended(MoodCapture.objects.get().id), timeout=30)
    assert (capture.status, capture.error, capture.image.name) == ("failed", services.NEVER_ARRIVED_MESSAGE, "")
    wait_for(lambda: _keys(s3_server) == [], timeout=10)  # the object goes right after the row is ended
