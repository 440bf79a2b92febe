"""photo_clean: a photo longer than MAX_SIDE is halved until it fits, a JPEG by its own decoder, and the
clean copy keeps nothing of the upload but its pixels."""

import io

import pytest
from PIL import Image, ImageCms
from PIL.JpegImagePlugin import JpegImageFile

from moods.photos import DAMAGED, PhotoRejected, photo_clean
from moods.tests.images import encoded

LIMITS = {"max_bytes": 25 * 1024 * 1024, "max_pixels": 50_000_000}


def _sideways_jpeg(size: tuple[int, int]) -> bytes:
    picture = Image.new("RGB", size, "white")
    picture.paste((255, 0, 0), (0, 0, size[0] // 8, size[0] // 8))  # a red mark in the top-left corner as stored
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise to view
    exif[0x010F] = "PhoneMaker"
    return encoded(picture, "JPEG", quality=90, exif=exif.tobytes())


def _cleaned(upload: bytes) -> Image.Image:
    return Image.open(io.BytesIO(photo_clean(data=upload, **LIMITS)))


def test_a_4000_px_jpeg_decoded_at_quarter_scale_is_stored_upright_at_1000_without_metadata():
    upload = _sideways_jpeg((4000, 2000))

    stored = photo_clean(data=upload, **LIMITS)

    image = Image.open(io.BytesIO(stored))
    assert (image.format, image.size) == ("JPEG", (500, 1000))
    assert dict(image.getexif()) == {} and b"PhoneMaker" not in stored
    red = image.getpixel((500 - 20, 20))  # the mark, now top-right
    assert red[0] > 200 and red[1] < 60


@pytest.mark.parametrize(("image_format", "size", "kept"), [
    ("JPEG", (640, 480), (640, 480)),  # fits: kept whole
    ("JPEG", (1920, 1080), (1920, 1080)),
    ("JPEG", (1921, 1000), (961, 500)),  # one pixel too long: halved, sizes rounded up as libjpeg rounds them
    ("JPEG", (3840, 2160), (1920, 1080)),
    ("JPEG", (4000, 3000), (1000, 750)),  # 12 MP: a quarter
    ("JPEG", (16000, 320), (1000, 20)),  # past the DCT's 1/8: halved once more after decoding
    ("PNG", (640, 480), (640, 480)),
    ("PNG", (1921, 1000), (961, 500)),  # other formats: reduce(), rounding up the same way
    ("PNG", (4000, 1000), (1000, 250)),
])
def test_a_photo_is_halved_until_its_long_side_is_at_most_1920(image_format, size, kept):
    stored = _cleaned(encoded(Image.new("RGB", size, (10, 120, 200)), image_format))

    assert stored.size == kept
    assert all(abs(a - b) <= 3 for a, b in zip(stored.getpixel((kept[0] // 2, kept[1] // 2)), (10, 120, 200),
                                               strict=True))


def test_a_12_mp_jpeg_is_decoded_straight_at_the_size_kept_and_never_resampled(monkeypatch):
    decoded, load = [], JpegImageFile.load
    monkeypatch.setattr(JpegImageFile, "load", lambda self: decoded.append(self.size) or load(self))
    for resample in ("resize", "reduce", "thumbnail"):
        monkeypatch.setattr(Image.Image, resample, lambda *a, **k: pytest.fail("the pixels were resampled"))

    stored = _cleaned(encoded(Image.new("RGB", (4000, 3000), (10, 120, 200)), "JPEG"))

    assert set(decoded) == {(1000, 750)} and stored.size == (1000, 750)


def test_a_large_sideways_png_with_transparency_is_halved_then_turned_by_its_exif():
    picture = Image.new("RGBA", (2400, 1200), (255, 255, 255, 255))
    picture.paste((255, 0, 0, 255), (0, 0, 300, 300))  # a red mark in the top-left corner as stored
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise to view

    stored = _cleaned(encoded(picture, "PNG", exif=exif.tobytes()))

    assert (stored.size, stored.mode) == ((600, 1200), "RGB")
    red = stored.getpixel((600 - 20, 20))  # the mark, now top-right
    assert red[0] > 200 and red[1] < 60


def test_a_large_palette_png_is_halved_on_white_with_its_own_colours():
    picture = Image.new("RGBA", (2400, 1200), (0, 0, 0, 0))
    picture.paste((255, 0, 0, 255), (0, 0, 1200, 1200))  # left half red, right half transparent
    upload = encoded(picture.convert("P"), "PNG")
    assert Image.open(io.BytesIO(upload)).mode == "P"

    stored = _cleaned(upload)

    assert (stored.size, stored.mode) == ((1200, 600), "RGB")
    assert stored.getpixel((300, 300))[0] > 240 and stored.getpixel((300, 300))[1] < 15
    assert stored.getpixel((900, 300)) == (255, 255, 255)


def test_a_grey_photo_stays_one_channel():
    stored = _cleaned(encoded(Image.new("L", (640, 480), 100), "JPEG"))

    assert (stored.mode, stored.getpixel((320, 240))) == ("L", 100)


def test_no_metadata_of_any_kind_follows_the_pixels():
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif.get_ifd(0x8825).update({1: "N", 2: (48.0, 51.0, 29.0)})  # a GPS position
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    upload = encoded(Image.new("RGB", (640, 480), "blue"), "JPEG", exif=exif.tobytes(), icc_profile=profile,
                     comment=b"SecretComment", xmp=b"<x:xmpmeta>SecretXmp</x:xmpmeta>", dpi=(300, 300))

    stored = photo_clean(data=upload, **LIMITS)

    image = Image.open(io.BytesIO(stored))
    assert set(image.info) == {"jfif", "jfif_version", "jfif_unit", "jfif_density"}
    assert image.info["jfif_density"] == (1, 1)  # no dpi either
    assert dict(image.getexif()) == {}
    assert all(secret not in stored for secret in (b"PhoneMaker", b"Secret", profile[:64]))


def test_a_truncated_large_jpeg_is_still_refused_as_damaged():
    upload = _sideways_jpeg((4000, 2000))

    with pytest.raises(PhotoRejected) as refused:
        photo_clean(data=upload[: len(upload) // 2], **LIMITS)

    assert str(refused.value) == DAMAGED
