"""POST /capture/: a photo becomes a clean stored JPEG and a capture; a bad file leaves nothing behind."""

import io
import json
import re
import struct
import zlib

import numpy as np
import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from accounts.tests.factories import UserFactory
from moods import photos
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
    assert "You look <strong>happy</strong>" in client.get(response["Location"]).content.decode()


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
    assert image.size == (600, 1200)  # turned upright, halved until its long side is at most 1920
    assert dict(image.getexif()) == {}
    assert "exif" not in image.info and "icc_profile" not in image.info
    assert b"PhoneMaker" not in stored and upload[:2000] not in stored
    assert image.getpixel((570, 50))[0] > 200 and image.getpixel((570, 50))[1] < 60  # the red mark, now top-right


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


# --- Attacks: whatever was uploaded, what is stored is our own JPEG of the pixels, under our own name ---

def _with_png_chunk(png: bytes, kind: bytes, body: bytes) -> bytes:
    """The PNG with one more chunk right after IHDR (8-byte signature + 25-byte IHDR chunk)."""
    chunk = struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    return png[:33] + chunk + png[33:]


def _jpeg_claiming(width: int, height: int) -> bytes:
    """A small real JPEG whose frame header (SOF0) says it is width x height."""
    jpeg = bytearray(astronaut_jpeg())
    sof = jpeg.index(b"\xff\xc0")
    jpeg[sof + 5:sof + 9] = struct.pack(">HH", height, width)
    return bytes(jpeg)


def _zip_with(name: str, content: bytes) -> bytes:
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(name, content)
    return out.getvalue()


SCRIPT = b"<script>alert(document.cookie)</script>"
HTML = b"<!doctype html><html><body><img src=x onerror=alert(1)>" + SCRIPT + b"</body></html>"
SVG = (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="512" height="512">'
       b"<rect width='512' height='512' fill='red'/>" + SCRIPT + b"</svg>")
GIFAR_CLASS = b"\xca\xfe\xba\xbe" + b"Exploit.class payload"

# name -> (uploaded bytes, the same picture without the payload, the payload that must not survive)
POLYGLOTS = {
    "JPEG with HTML and JS appended": (astronaut_jpeg() + HTML, astronaut_jpeg(), SCRIPT),
    "JPEG with a ZIP (GIFAR-style) appended": (astronaut_jpeg() + _zip_with("Exploit.class", GIFAR_CLASS),
                                               astronaut_jpeg(), b"PK\x03\x04"),
    "PNG with a tEXt chunk holding a script": (_with_png_chunk(encoded(astronaut(), "PNG"), b"tEXt",
                                                               b"Comment\x00" + SCRIPT),
                                               encoded(astronaut(), "PNG"), SCRIPT),
    "PNG with HTML after IEND": (encoded(astronaut(), "PNG") + HTML, encoded(astronaut(), "PNG"), SCRIPT),
}


@pytest.mark.parametrize("case", POLYGLOTS)
def test_a_polyglot_is_stored_as_a_fresh_jpeg_of_its_pixels_only(client, case):
    upload, picture_alone, payload = POLYGLOTS[case]
    client.force_login(UserFactory())

    response = _post(client, upload, "me.jpg", **JSON)

    assert response.status_code == 202
    stored = default_storage.open(MoodCapture.objects.get().image.name).read()
    # Byte for byte what the same picture without any payload becomes: nothing else was carried over.
    assert stored == photos.photo_clean(data=picture_alone, max_bytes=10**7, max_pixels=10**7)
    assert payload not in stored and upload[-200:] not in stored


@pytest.mark.parametrize(("name", "content", "content_type"), [
    ("me.svg", SVG, "image/svg+xml"),
    ("me.jpg", SVG, "image/jpeg"),
    ("me.html", HTML, "text/html"),
    ("me.jpg", HTML, "image/jpeg"),
    ("me.png", b"%PDF-1.7\n" + SCRIPT, "image/png"),
    ("me.jpg", _zip_with("me.jpg", astronaut_jpeg()), "image/jpeg"),
])
def test_svg_html_and_other_non_images_are_refused_whatever_their_name_and_type(client, name, content, content_type):
    client.force_login(UserFactory())

    photo = SimpleUploadedFile(name, content, content_type=content_type)
    response = client.post("/capture/", {"photo": photo, "source": "upload"}, **JSON)

    assert response.status_code == 400
    assert response.json() == {"detail": "This file is not an image. Send a JPEG, PNG or WebP photo."}
    assert not MoodCapture.objects.exists()
    assert stored_files() == []


def test_a_small_jpeg_claiming_20000_by_20000_pixels_is_refused_before_decoding(client, monkeypatch):
    bomb = _jpeg_claiming(20_000, 20_000)
    assert len(bomb) < 100_000
    monkeypatch.setattr(Image.Image, "load", lambda self: pytest.fail("the bomb was decoded"))
    client.force_login(UserFactory())

    response = _post(client, bomb, **JSON)

    assert response.status_code == 400
    assert response.json() == {"detail": "The photo has too many pixels (at most 40 megapixels)."}
    assert not MoodCapture.objects.exists()
    assert stored_files() == []


@pytest.mark.parametrize("name", ["../../etc/passwd.jpg", "/etc/passwd.jpg", "..\\..\\win.ini.jpg",
                                  "me.jpg\x00.html", "photos/known-name.jpg"])
def test_the_stored_key_is_our_random_one_whatever_the_file_name(client, settings, name):
    client.force_login(UserFactory())

    _post(client, astronaut_jpeg(), name)

    key = MoodCapture.objects.get().image.name
    assert re.fullmatch(r"photos/[0-9a-f]{32}\.jpg", key)
    assert stored_files() == [key]
    assert not (settings.MEDIA_ROOT.parent / "etc").exists()


def test_a_png_sent_as_image_jpeg_is_read_as_what_it_is_and_served_as_our_jpeg(client):
    user = UserFactory()
    client.force_login(user)

    client.post("/capture/", {"photo": SimpleUploadedFile("me.jpg", encoded(astronaut(), "PNG"),
                                                          content_type="image/jpeg"), "source": "upload"})
    capture = MoodCapture.objects.get()
    response = client.get(f"/captures/{capture.id}/photo")

    assert (response["Content-Type"], response["X-Content-Type-Options"]) == ("image/jpeg", "nosniff")
    assert Image.open(io.BytesIO(b"".join(response.streaming_content))).format == "JPEG"


def test_a_multi_picture_jpeg_from_a_phone_keeps_only_its_first_picture():
    # given an MPO file (a JPEG followed by a second picture), as many phone cameras write
    first, second = astronaut(), astronaut().rotate(90)
    out = io.BytesIO()
    first.save(out, "MPO", save_all=True, append_images=[second])
    assert Image.open(io.BytesIO(out.getvalue())).format == "MPO"

    # when
    clean = Image.open(io.BytesIO(photos.photo_clean(data=out.getvalue(), max_bytes=10**7, max_pixels=10**7)))

    # then the clean copy is a single JPEG of the first picture
    assert (clean.format, clean.size, getattr(clean, "n_frames", 1)) == ("JPEG", first.size, 1)


def test_the_capture_page_hands_its_script_the_servers_own_limits_and_words(client, settings):
    settings.UPLOAD_MAX_BYTES, settings.UPLOAD_MAX_PIXELS = 2 * 1024 * 1024, 12_000_000
    client.force_login(UserFactory())

    page = client.get("/capture/")

    rules = json.loads(page.content.decode().split('<script id="upload-rules" type="application/json">')[1]
                       .split("</script>")[0])
    assert (rules["max_bytes"], rules["max_pixels"]) == (2 * 1024 * 1024, 12_000_000)
    assert rules["types"] == ["image/jpeg", "image/png", "image/webp"]
    assert rules["messages"]["too_big"] == "The photo is larger than 2 MB."
    assert rules["messages"]["too_many_pixels"] == "The photo has too many pixels (at most 12 megapixels)."
    assert rules["messages"]["unsupported"].format(format="GIF") == (
        "GIF images are not supported. Send a JPEG, PNG or WebP photo.")
