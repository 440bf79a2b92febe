"""Issue 13, on the capture page: the upload form is throttled like the API, and a body too large is never read."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import resolve

from accounts.tests.factories import UserFactory
from cloudscendo.limits import RequestBodyLimitMiddleware
from cloudscendo.tests.api import token_client
from moods.device import DEVICE_MODELS
from moods.models import MoodCapture
from moods.photos import PhotoRejected, photo_clean, too_many_pixels
from moods.tests.factories import stored_files
from moods.tests.images import astronaut_jpeg, pixel_flood_png

pytestmark = pytest.mark.django_db(transaction=True)

TOO_MANY = "You have sent a lot of photos and moods in the last minute: wait a minute, then try again."


def _upload(client):
    photo = SimpleUploadedFile("me.jpg", astronaut_jpeg(), content_type="image/jpeg")
    return client.post("/capture/", {"photo": photo, "source": "upload"}, HTTP_ACCEPT="application/json")


def test_the_upload_form_stops_at_capture_rate_and_saves_nothing_more(client, settings):
    settings.CAPTURE_RATE = "2/min"
    client.force_login(UserFactory())
    assert [_upload(client).status_code for _ in range(2)] == [201, 201]  # read in-process before the answer
    files = stored_files()

    response = _upload(client)

    assert response.status_code == 429
    assert response.json() == {"detail": TOO_MANY}
    assert MoodCapture.objects.count() == 2
    assert stored_files() == files


def test_the_api_and_the_page_share_one_counter(client, settings):
    settings.CAPTURE_RATE = "2/min"
    user = UserFactory()
    client.force_login(user)
    _upload(client)
    token_client(user).post("/api/captures/", {"emotion": "CALM"}, format="json")

    page = _upload(client)
    mood = client.post("/capture/mood/", {"emotion": "SAD"}, HTTP_ACCEPT="application/json")

    assert (page.status_code, mood.status_code) == (429, 429)
    assert MoodCapture.objects.count() == 2


def test_a_body_longer_than_the_limit_is_refused_before_it_is_read(client, settings):
    client.force_login(UserFactory())

    response = client.post("/capture/", {"source": "upload"}, CONTENT_LENGTH=str(settings.REQUEST_BODY_MAX_BYTES + 1))

    assert response.status_code == 413
    assert response.content.decode() == "The request is larger than 11 MB."
    assert not MoodCapture.objects.exists()


def _limited(path: str, length: int):
    request = RequestFactory().post(path, CONTENT_LENGTH=str(length))
    request.resolver_match = resolve(path)
    return RequestBodyLimitMiddleware(lambda request: None).process_view(request, None, (), {})


def test_the_admin_catalogue_import_has_its_own_larger_limit(settings):
    catalogue = settings.REQUEST_BODY_MAX_BYTES + 1  # too big for a photo, fine for a CSV

    assert _limited("/capture/", catalogue).status_code == 413
    assert _limited("/admin/music/importjob/add/", catalogue) is None
    assert _limited("/admin/music/importjob/add/", settings.IMPORT_UPLOAD_MAX_BYTES + 1).status_code == 413


def test_a_pixel_flood_is_refused_from_its_header_without_decoding():
    with pytest.raises(PhotoRejected, match=too_many_pixels(40_000_000).replace("(", r"\(").replace(")", r"\)")):
        photo_clean(data=pixel_flood_png(), max_bytes=10 * 1024 * 1024, max_pixels=40_000_000)


def test_device_readings_and_direct_uploads_count_in_the_same_capture_rate(client, settings):
    settings.CAPTURE_RATE = "1/min"
    settings.STORAGE_BACKEND = "s3"  # the start is refused before any bucket is asked
    client.force_login(UserFactory())
    _upload(client)
    reading = {"model": DEVICE_MODELS[0], "faces": [{"box": [0.1, 0.1, 0.5, 0.5],
                                                     "scores": [80.0, 5.0, 5.0, None, 0.0, 0.0, 10.0, 0.0]}]}

    device = client.post("/capture/device/", json.dumps(reading), content_type="application/json")
    direct = client.post("/capture/upload/", {"source": "upload", "content_type": "image/jpeg", "size": 1000},
                         HTTP_ACCEPT="application/json")

    assert (device.status_code, device.json()) == (429, {"detail": TOO_MANY})
    assert (direct.status_code, direct.json()) == (429, {"detail": TOO_MANY})
    assert MoodCapture.objects.count() == 1
