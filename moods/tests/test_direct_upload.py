"""Photos sent by the browser straight to S3 (moto's server): a presigned POST bounded by its policy, a
confirmation that queues the analysis, a worker that cleans or deletes the object, and a sweeper."""

import base64
import datetime
import io
import json

import pytest
import requests
from botocore.exceptions import EndpointConnectionError
from botocore.stub import Stubber
from django.core.files.storage import default_storage
from django.utils import timezone
from PIL import Image
from storages.backends.s3 import S3Storage

from accounts.tests.factories import UserFactory
from moods import notify, photos, services, uploads
from moods.emotion import BackendUnavailable
from moods.models import MoodCapture
from moods.tests.images import astronaut_jpeg, encoded
from moods.tests.test_capture_upload import HTML, POLYGLOTS, _png_header_claiming

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}
KEY_PREFIX = "captures/uploads/"


def _start(client, *, content_type: str = "image/jpeg", size: int = 1000, source: str = "upload"):
    return client.post("/capture/upload/", {"source": source, "content_type": content_type, "size": size}, **JSON)


def _send(upload: dict, content: bytes, *, content_type: str = "image/jpeg", **extra) -> requests.Response:
    """POST the photo to the bucket as the page does: the signed fields, its type, then the file."""
    return requests.post(upload["url"], data={**upload["fields"], "Content-Type": content_type, **extra},
                         files={"file": ("me.jpg", content, content_type)}, timeout=10)


def _keys(s3) -> list[str]:
    return sorted(item["Key"] for item in s3.client.list_objects_v2(Bucket=s3.bucket).get("Contents", []))


def _policy(upload: dict) -> dict:
    return json.loads(base64.b64decode(upload["fields"]["policy"]))


def _uploaded_capture(client, s3, content: bytes, **post) -> MoodCapture:
    """A capture whose photo is in the bucket and confirmed, its analysis queued (not run)."""
    answer = _start(client, size=len(content), **post).json()
    assert _send(answer["upload"], content).status_code == 204
    assert client.post(answer["confirm_url"], **JSON).status_code == 202
    return MoodCapture.objects.get()


# --- Signing: the web process hands out a POST bounded by its policy -------------------------------

def test_starting_an_upload_creates_a_capture_awaiting_its_photo_and_a_post_for_its_key_only(client, s3_server,
                                                                                             settings):
    client.force_login(UserFactory())

    response = _start(client, source="camera")

    assert response.status_code == 201
    capture = MoodCapture.objects.get()
    assert (capture.status, capture.source) == ("awaiting", "camera")
    assert capture.image.name.startswith("uploads/") and len(capture.image.name) == len("uploads/") + 32
    body = response.json()
    assert body["confirm_url"] == f"/captures/{capture.id}/uploaded"
    assert body["upload"]["url"] == f"{s3_server.url}/{s3_server.bucket}"
    assert body["upload"]["fields"]["key"] == f"captures/{capture.image.name}"
    policy = _policy(body["upload"])
    assert [c for c in policy["conditions"] if isinstance(c, list)] == [
        ["content-length-range", 1, settings.UPLOAD_MAX_BYTES], ["starts-with", "$Content-Type", "image/"]]
    assert {"key": f"captures/{capture.image.name}"} in policy["conditions"]
    assert {"bucket": s3_server.bucket} in policy["conditions"]
    signed_at = datetime.datetime.strptime(body["upload"]["fields"]["x-amz-date"], "%Y%m%dT%H%M%SZ")
    expires = datetime.datetime.strptime(policy["expiration"], "%Y-%m-%dT%H:%M:%SZ")
    assert (expires - signed_at).total_seconds() == settings.AWS_S3_UPLOAD_EXPIRE == 120
    assert _keys(s3_server) == []  # nothing reached the bucket yet


@pytest.mark.parametrize(("post", "detail"), [
    ({"content_type": "image/gif"}, "GIF images are not supported. Send a JPEG, PNG or WebP photo."),
    ({"content_type": "text/html"}, "This file is not an image. Send a JPEG, PNG or WebP photo."),
    ({"content_type": ""}, "This file is not an image. Send a JPEG, PNG or WebP photo."),
    ({"size": 0}, "The file is empty."),
    ({"size": 10 * 1024 * 1024 + 1}, "The photo is larger than 10 MB."),
])
def test_a_photo_declared_too_big_or_of_the_wrong_type_gets_no_post_and_no_capture(client, s3_server, post, detail):
    client.force_login(UserFactory())

    response = _start(client, **post)

    assert (response.status_code, response.json()) == (400, {"detail": detail})
    assert not MoodCapture.objects.exists()


def test_with_local_storage_there_is_no_direct_upload(client):
    client.force_login(UserFactory())

    assert _start(client).status_code == 404
    assert not MoodCapture.objects.exists()
    page = client.get("/capture/").content.decode()
    assert "data-direct-upload-url" not in page and "direct_upload.js" not in page


def test_with_s3_the_capture_page_loads_the_direct_upload_script_before_its_own(client, s3_server):
    client.force_login(UserFactory())

    page = client.get("/capture/").content.decode()

    assert 'data-direct-upload-url="/capture/upload/"' in page
    assert page.index("js/direct_upload.js") < page.index("js/capture.js")


def test_a_visitor_cannot_start_or_confirm_an_upload(client, s3_server):
    assert _start(client).status_code == 302
    assert client.post("/captures/1/uploaded", **JSON).status_code == 302
    assert not MoodCapture.objects.exists()


# --- The bucket enforces the policy itself ---------------------------------------------------------

def test_the_bucket_takes_a_photo_within_the_policy(client, s3_server):
    client.force_login(UserFactory())
    jpeg = astronaut_jpeg()
    upload = _start(client, size=len(jpeg)).json()["upload"]

    response = _send(upload, jpeg)

    assert response.status_code == 204
    assert _keys(s3_server) == [upload["fields"]["key"]]
    assert s3_server.client.get_object(Bucket=s3_server.bucket, Key=upload["fields"]["key"])["Body"].read() == jpeg


def test_the_bucket_refuses_a_photo_over_the_size_limit(client, s3_server, settings):
    settings.UPLOAD_MAX_BYTES = 5000
    client.force_login(UserFactory())
    upload = _start(client, size=4000).json()["upload"]  # the page declared less than it sends

    response = _send(upload, b"\xff\xd8" + b"x" * 5000)

    assert response.status_code == 400
    assert "<Code>EntityTooLarge</Code>" in response.text
    assert _keys(s3_server) == []


@pytest.mark.parametrize("content_type", ["text/html", "application/octet-stream", "svg+xml"])
def test_the_bucket_refuses_a_file_not_typed_as_an_image(client, s3_server, content_type):
    client.force_login(UserFactory())
    upload = _start(client).json()["upload"]

    response = _send(upload, HTML, content_type=content_type)

    assert response.status_code == 403
    assert 'Policy Condition failed: ["starts-with", "$Content-Type", "image/"]' in response.text
    assert _keys(s3_server) == []


def test_the_post_cannot_be_aimed_at_another_key(client, s3_server):
    client.force_login(UserFactory())
    upload = _start(client).json()["upload"]
    elsewhere = {**upload, "fields": {**upload["fields"], "key": "captures/photos/someone-elses.jpg"}}

    response = _send(elsewhere, astronaut_jpeg())

    assert response.status_code == 403
    assert "Policy Condition failed" in response.text
    assert _keys(s3_server) == []


def test_a_policy_rewritten_by_the_browser_is_refused(client, s3_server):
    client.force_login(UserFactory())
    upload = _start(client).json()["upload"]
    policy = _policy(upload)
    policy["conditions"] = [c for c in policy["conditions"] if not isinstance(c, list)]  # no size or type bound
    rewritten = base64.b64encode(json.dumps(policy).encode()).decode()
    forged = {**upload, "fields": {**upload["fields"], "policy": rewritten}}

    response = _send(forged, HTML, content_type="text/html")

    assert response.status_code == 403
    assert "<Code>SignatureDoesNotMatch</Code>" in response.text
    assert _keys(s3_server) == []


# --- Confirming: the web process checks the object is there and queues the analysis ------------------

def test_confirming_before_the_photo_arrived_changes_nothing(client, s3_server, django_capture_on_commit_callbacks):
    client.force_login(UserFactory())
    answer = _start(client).json()

    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(answer["confirm_url"], **JSON)

    assert (response.status_code, response.json()) == (409, {"detail": uploads.UPLOAD_MISSING_MESSAGE})
    assert MoodCapture.objects.get().status == "awaiting"
    assert callbacks == []


@pytest.mark.parametrize("code", ["403", "503"])
def test_a_role_without_list_bucket_sees_a_missing_photo_as_403_and_a_store_down_as_503(client, s3_server, code):
    client.force_login(UserFactory())
    answer = _start(client).json()
    s3 = default_storage.connection.meta.client

    with Stubber(s3) as stub:
        stub.add_client_error("head_object", service_error_code=code, http_status_code=int(code))
        response = client.post(answer["confirm_url"], **JSON)

    expected = {"403": (409, uploads.UPLOAD_MISSING_MESSAGE), "503": (503, services.STORAGE_DOWN_MESSAGE)}[code]
    assert (response.status_code, response.json()["detail"]) == expected
    assert MoodCapture.objects.get().status == "awaiting"


def test_confirming_queues_the_analysis_once(client, s3_server, django_capture_on_commit_callbacks):
    client.force_login(UserFactory())
    jpeg = astronaut_jpeg()
    answer = _start(client, size=len(jpeg)).json()
    _send(answer["upload"], jpeg)

    with django_capture_on_commit_callbacks() as callbacks:
        first = client.post(answer["confirm_url"], **JSON)
        again = client.post(answer["confirm_url"], **JSON)

    capture = MoodCapture.objects.get()
    assert (first.status_code, first.json()["status"], first.json()["pending"]) == (202, "queued", True)
    assert first.json()["status_url"] == f"/captures/{capture.id}/status"
    assert (again.status_code, again.json()["status"]) == (202, "queued")
    assert len(callbacks) == 1
    assert capture.status == "queued"


def test_nobody_else_can_confirm_a_capture(client, s3_server):
    client.force_login(UserFactory())
    answer = _start(client).json()
    client.force_login(UserFactory())

    assert client.post(answer["confirm_url"], **JSON).status_code == 404
    assert MoodCapture.objects.get().status == "awaiting"


def test_a_photo_not_cleaned_yet_has_no_link_for_anyone(client, s3_server):
    client.force_login(UserFactory())
    capture = _uploaded_capture(client, s3_server, HTML)  # in the bucket, typed image/jpeg, confirmed

    response = client.get(f"/captures/{capture.id}/photo")

    assert response.status_code == 404
    assert client.get(f"/api/captures/{capture.id}/").json()["image_url"] is None
    assert services.capture_analyse(capture_id=capture.id) is None  # the worker then refuses it
    capture.refresh_from_db()
    assert (capture.status, capture.image.name) == ("failed", "")


# --- The worker: the object is cleaned exactly as a photo sent to us, or deleted ---------------------

def test_the_worker_replaces_the_upload_with_its_clean_copy_then_reads_it(client, s3_server):
    # given a photo with its camera's maker and a GPS position, sent to the bucket and confirmed
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif.get_ifd(0x8825).update({1: "N", 2: (48.0, 51.0, 29.0)})
    upload = encoded(Image.open(io.BytesIO(astronaut_jpeg())), "JPEG", exif=exif.tobytes())
    client.force_login(UserFactory())
    capture = _uploaded_capture(client, s3_server, upload)
    raw = capture.image.name

    # when
    services.capture_analyse(capture_id=capture.id)

    # then the raw object is gone and the capture reads its clean copy
    capture.refresh_from_db()
    assert capture.image.name == f"photos/{raw.removeprefix('uploads/')}.jpg"
    assert _keys(s3_server) == [f"captures/{capture.image.name}"]
    stored = s3_server.client.get_object(Bucket=s3_server.bucket, Key=f"captures/{capture.image.name}")["Body"].read()
    assert stored == photos.photo_clean(data=upload, max_bytes=10**7, max_pixels=10**8)
    assert dict(Image.open(io.BytesIO(stored)).getexif()) == {} and b"PhoneMaker" not in stored
    assert (capture.status, capture.emotion) == ("done", "HAPPY")


@pytest.mark.parametrize("case", ["JPEG with HTML and JS appended", "PNG with a tEXt chunk holding a script"])
def test_a_polyglot_in_the_bucket_becomes_a_fresh_jpeg_of_its_pixels_only(client, s3_server, case):
    upload, picture_alone, payload = POLYGLOTS[case]
    client.force_login(UserFactory())
    capture = _uploaded_capture(client, s3_server, upload)

    services.capture_analyse(capture_id=capture.id)

    capture.refresh_from_db()
    stored = s3_server.client.get_object(Bucket=s3_server.bucket, Key=f"captures/{capture.image.name}")["Body"].read()
    assert stored == photos.photo_clean(data=picture_alone, max_bytes=10**7, max_pixels=10**7)
    assert payload not in stored
    assert _keys(s3_server) == [f"captures/{capture.image.name}"]


@pytest.mark.parametrize(("content", "message"), [
    (HTML, "This file is not an image. Send a JPEG, PNG or WebP photo."),
    (_png_header_claiming(50_000, 50_000), "The photo has too many pixels (at most 40 megapixels)."),
    (astronaut_jpeg()[:4000], "The photo is damaged or incomplete."),
    (encoded(Image.open(io.BytesIO(astronaut_jpeg())), "GIF"),
     "GIF images are not supported. Send a JPEG, PNG or WebP photo."),
])
def test_a_rejected_upload_is_deleted_and_the_capture_fails_saying_why(client, s3_server, content, message,
                                                                       django_capture_on_commit_callbacks):
    client.force_login(UserFactory())
    capture = _uploaded_capture(client, s3_server, content)  # typed image/jpeg: the policy lets it in

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.capture_analyse(capture_id=capture.id)

    capture.refresh_from_db()
    assert (capture.status, capture.error, capture.image.name) == ("failed", message, "")
    assert _keys(s3_server) == []
    # no songs for a failed capture: after commit only its end is published, for the page's long poll
    assert [(callback.func, callback.args) for callback in callbacks] == [(notify.capture_ended_publish, (capture.id,))]
    assert not capture.playlists.exists()


def test_cleaning_twice_after_a_worker_died_leaves_one_clean_copy(client, s3_server):
    client.force_login(UserFactory())
    capture = _uploaded_capture(client, s3_server, astronaut_jpeg())
    clean = f"photos/{capture.image.name.removeprefix('uploads/')}.jpg"
    # a first worker stored the clean copy, then died before it updated the row
    s3_server.client.put_object(Bucket=s3_server.bucket, Key=f"captures/{clean}", Body=b"half of a first try")

    services.capture_analyse(capture_id=capture.id)

    capture.refresh_from_db()
    assert capture.image.name == clean
    assert _keys(s3_server) == [f"captures/{clean}"]
    assert s3_server.client.get_object(Bucket=s3_server.bucket, Key=f"captures/{clean}")["Body"].read() \
        == photos.photo_clean(data=astronaut_jpeg(), max_bytes=10**7, max_pixels=10**8)


def test_a_bucket_that_cannot_be_read_leaves_the_capture_queued_for_a_retry(client, s3_server, monkeypatch):
    client.force_login(UserFactory())
    capture = _uploaded_capture(client, s3_server, astronaut_jpeg())
    raw = capture.image.name

    def unreachable(storage, name, mode="rb"):
        raise EndpointConnectionError(endpoint_url=s3_server.url)

    monkeypatch.setattr(S3Storage, "_open", unreachable)
    with pytest.raises(BackendUnavailable):
        services.capture_analyse(capture_id=capture.id)

    capture.refresh_from_db()
    assert (capture.status, capture.image.name, capture.error) == ("queued", raw, "")
    assert _keys(s3_server) == [f"captures/{raw}"]


def test_a_photo_not_kept_is_gone_from_the_bucket_after_its_reading(client, s3_server,
                                                                    django_capture_on_commit_callbacks):
    client.force_login(UserFactory(keep_images=False))
    capture = _uploaded_capture(client, s3_server, astronaut_jpeg())

    with django_capture_on_commit_callbacks(execute=True):
        services.capture_analyse(capture_id=capture.id)

    capture.refresh_from_db()
    assert (capture.status, capture.emotion, capture.image.name) == ("done", "HAPPY", "")
    assert _keys(s3_server) == []


# --- The sweeper: a capture never confirmed ends as failed and its object goes -----------------------

def test_a_capture_never_confirmed_is_swept_and_its_object_deleted(client, s3_server, settings):
    client.force_login(UserFactory())
    jpeg = astronaut_jpeg()
    abandoned = _start(client, size=len(jpeg)).json()
    _send(abandoned["upload"], jpeg)  # sent, never confirmed
    _start(client)  # started, never sent
    recent = _start(client, size=len(jpeg)).json()
    _send(recent["upload"], jpeg)
    old, empty, young = MoodCapture.objects.order_by("id")
    now = timezone.now()
    limit = settings.AWS_S3_UPLOAD_EXPIRE + settings.CAPTURE_STUCK_AFTER_SECONDS
    MoodCapture.objects.filter(id__in=[old.id, empty.id]).update(created_at=now - datetime.timedelta(seconds=limit + 1))
    MoodCapture.objects.filter(id=young.id).update(created_at=now - datetime.timedelta(seconds=limit - 1))

    swept = services.captures_upload_sweep(now=now)

    assert swept == [old.id, empty.id]
    for capture in (old, empty):
        capture.refresh_from_db()
        assert (capture.status, capture.error, capture.image.name) == ("failed", services.NEVER_ARRIVED_MESSAGE, "")
    young.refresh_from_db()
    assert young.status == "awaiting"
    assert _keys(s3_server) == [recent["upload"]["fields"]["key"]]
    assert services.captures_upload_sweep(now=now) == []  # a second sweep finds nothing


def test_the_sweeper_runs_on_beat(settings):
    from moods.tasks import captures_uploads_sweep_task

    entry = settings.CELERY_BEAT_SCHEDULE["moods-sweep-abandoned-uploads"]
    assert entry == {"task": captures_uploads_sweep_task.name, "schedule": 300.0}
