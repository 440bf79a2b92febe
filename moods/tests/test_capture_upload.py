"""POST /capture/: a photo becomes a clean stored JPEG and a capture; a bad file leaves nothing behind."""

import io
import struct
import zlib

import numpy as np
import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from accounts.tests.factories import UserFactory
from moods.models import MoodCapture
from moods.tests.factories import stored_files
from moods.tests.images import astronaut, astronaut_jpeg, encoded

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}


def _post(client, content: bytes, name: str = "me.jpg", **headers):
    photo = SimpleUploadedFile(name, content, content_type="image/jpeg")
    return client.post("/capture/", {"photo": photo, "source": "upload"}, **headers)


def _png_header_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header says it is width x height: a decompression bomb."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")


BAD_UPLOADS = {
    "empty": (b"", "me.jpg", "The submitted file is empty."),
    "truncated JPEG": (astronaut_jpeg()[:4000], "me.jpg", "The photo is damaged or incomplete."),
    "text named .jpg": (b"these are not the pixels you are looking for\n" * 20, "me.jpg",
                        "This file is not an image. Send a JPEG, PNG or WebP photo."),
    "GIF": (encoded(astronaut(), "GIF"), "me.gif", "GIF images are not supported. Send a JPEG, PNG or WebP photo."),
    "BMP": (encoded(astronaut(), "BMP"), "me.bmp", "BMP images are not supported. Send a JPEG, PNG or WebP photo."),
    "TIFF": (encoded(astronaut(), "TIFF"), "me.tif", "TIFF images are not supported. Send a JPEG, PNG or WebP photo."),
    "decompression bomb": (_png_header_claiming(50_000, 50_000), "me.png",
                           "The photo has too many pixels (at most 40 megapixels)."),
    "just over 40 MP": (_png_header_claiming(8000, 5001), "me.png",
                        "The photo has too many pixels (at most 40 megapixels)."),
}


@pytest.mark.parametrize("case", BAD_UPLOADS)
def test_a_bad_upload_gets_a_json_400_with_a_clear_detail_and_stores_nothing(client, case):
    content, name, message = BAD_UPLOADS[case]
    client.force_login(UserFactory())

    response = _post(client, content, name, **JSON)

    assert response.status_code == 400
    assert response.json() == {"detail": message}
    assert not MoodCapture.objects.exists()
    assert stored_files() == []


@pytest.mark.parametrize("case", ["empty", "truncated JPEG", "GIF", "decompression bomb"])
def test_a_bad_upload_without_javascript_shows_the_form_error(client, case):
    content, name, message = BAD_UPLOADS[case]
    client.force_login(UserFactory())

    response = _post(client, content, name)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not MoodCapture.objects.exists()
    assert stored_files() == []


def test_a_photo_over_the_byte_limit_is_refused_before_it_is_read(client, settings):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    noise = Image.fromarray(np.random.default_rng(0).integers(0, 255, (1000, 1000, 3), dtype=np.uint8))
    client.force_login(UserFactory())

    response = _post(client, encoded(noise, "JPEG", quality=95), **JSON)

    assert response.status_code == 400
    assert response.json() == {"detail": "The photo is larger than 1 MB."}
    assert not MoodCapture.objects.exists()
    assert stored_files() == []


def test_a_photo_without_javascript_redirects_to_its_capture_page_with_the_result(
        client, django_capture_on_commit_callbacks):
    user = UserFactory()
    client.force_login(user)

    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, astronaut_jpeg())

    capture = MoodCapture.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/captures/{capture.id}/"
    assert (capture.user, capture.source, capture.status, capture.emotion) == (user, "upload", "done", "HAPPY")
    assert "Your photo looks <strong>happy</strong>" in client.get(response["Location"]).content.decode()


def test_a_photo_from_the_page_script_gets_202_and_urls_to_follow(client, settings, django_capture_on_commit_callbacks):
    client.force_login(UserFactory())

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post("/capture/", {"photo": SimpleUploadedFile("s.jpg", astronaut_jpeg()),
                                             "source": "camera"}, **JSON)

    capture = MoodCapture.objects.get()
    assert response.status_code == 202
    body = response.json()
    assert (body["id"], body["status"], body["pending"]) == (capture.id, "queued", True)
    assert (body["status_url"], body["detail_url"]) == (f"/captures/{capture.id}/status", f"/captures/{capture.id}/")
    assert capture.source == "camera"
    assert len(callbacks) == 1  # the analysis is enqueued only once the row is committed


def test_the_stored_photo_is_upright_shrunk_and_has_no_metadata(client):
    # given a 2400x1200 JPEG stored sideways (EXIF orientation 6) with a GPS position
    picture = Image.new("RGB", (2400, 1200), "white")
    picture.paste((255, 0, 0), (0, 0, 300, 300))  # a red mark in the top-left corner as stored
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90 degrees clockwise to view
    exif[0x010F] = "PhoneMaker"
    exif.get_ifd(0x8825).update({1: "N", 2: (48.0, 51.0, 29.0), 3: "E", 4: (2.0, 17.0, 40.0)})  # GPS IFD
    upload = encoded(picture, "JPEG", exif=exif.tobytes())
    assert Image.open(io.BytesIO(upload)).getexif().get_ifd(0x8825)
    client.force_login(UserFactory())

    # when
    _post(client, upload)

    # then
    stored = default_storage.open(MoodCapture.objects.get().image.name).read()
    image = Image.open(io.BytesIO(stored))
    assert image.format == "JPEG"
    assert image.size == (960, 1920)  # turned upright, long side 1920
    assert dict(image.getexif()) == {}
    assert "exif" not in image.info and "icc_profile" not in image.info
    assert b"PhoneMaker" not in stored and upload[:2000] not in stored
    assert image.getpixel((900, 50))[0] > 200 and image.getpixel((900, 50))[1] < 60  # the red mark, now top-right


def test_a_transparent_png_is_stored_as_a_jpeg_on_white(client):
    picture = Image.new("RGBA", (200, 200), (0, 0, 0, 0))
    client.force_login(UserFactory())

    _post(client, encoded(picture, "PNG"), "clear.png")

    image = Image.open(default_storage.open(MoodCapture.objects.get().image.name))
    assert (image.format, image.mode, image.getpixel((100, 100))) == ("JPEG", "RGB", (255, 255, 255))


def test_webp_is_accepted_and_each_capture_gets_its_own_random_name(client):
    client.force_login(UserFactory())

    _post(client, encoded(astronaut(), "WEBP"), "me.webp")
    _post(client, encoded(astronaut(), "WEBP"), "me.webp")

    names = sorted(MoodCapture.objects.values_list("image", flat=True))
    assert len(set(names)) == 2
    assert all(name.startswith("photos/") and name.endswith(".jpg") and "me" not in name for name in names)


def test_the_capture_page_needs_a_login_and_stores_nothing_for_a_visitor(client):
    response = _post(client, astronaut_jpeg())

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert not MoodCapture.objects.exists()
    assert stored_files() == []
