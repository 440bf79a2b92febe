"""photo_clean on a photo large enough for the JPEG decoder's DCT scaling: the same clean result."""

import io

import pytest
from PIL import Image

from moods.photos import DAMAGED, MAX_SIDE, PhotoRejected, photo_clean
from moods.tests.images import encoded

LIMITS = {"max_bytes": 25 * 1024 * 1024, "max_pixels": 50_000_000}


def _sideways_jpeg(size: tuple[int, int]) -> bytes:
    picture = Image.new("RGB", size, "white")
    picture.paste((255, 0, 0), (0, 0, size[0] // 8, size[0] // 8))  # a red mark in the top-left corner as stored
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise to view
    exif[0x010F] = "PhoneMaker"
    return encoded(picture, "JPEG", quality=90, exif=exif.tobytes())


def test_a_4000_px_jpeg_decoded_at_half_scale_is_stored_upright_at_1920_without_metadata():
    upload = _sideways_jpeg((4000, 2000))

    stored = photo_clean(data=upload, **LIMITS)

    image = Image.open(io.BytesIO(stored))
    assert (image.format, image.size) == ("JPEG", (MAX_SIDE // 2, MAX_SIDE))
    assert dict(image.getexif()) == {} and b"PhoneMaker" not in stored
    red = image.getpixel((MAX_SIDE // 2 - 40, 40))  # the mark, now top-right
    assert red[0] > 200 and red[1] < 60


def test_a_12_mp_jpeg_keeps_its_aspect_at_1920():
    stored = photo_clean(data=encoded(Image.new("RGB", (4000, 3000), (10, 120, 200)), "JPEG"), **LIMITS)

    image = Image.open(io.BytesIO(stored))
    assert image.size == (1920, 1440)
    assert all(abs(a - b) <= 3 for a, b in zip(image.getpixel((960, 720)), (10, 120, 200), strict=True))


def test_a_truncated_large_jpeg_is_still_refused_as_damaged():
    upload = _sideways_jpeg((4000, 2000))

    with pytest.raises(PhotoRejected) as refused:
        photo_clean(data=upload[: len(upload) // 2], **LIMITS)

    assert str(refused.value) == DAMAGED
