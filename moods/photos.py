"""Uploaded photos: decode and verify them, then make a clean JPEG that keeps none of the uploaded bytes.

The clean copy is upright (EXIF orientation applied), at most MAX_SIDE pixels
on its long side, and carries no metadata at all (no EXIF, GPS, ICC or XMP).
"""

import io
import warnings

from PIL import Image, ImageOps, UnidentifiedImageError

# MPO is how Pillow names the multi-picture JPEGs many phone cameras write: a
# JPEG whose first frame is the photo (CIPA DC-007); we keep only that frame.
FORMATS = ("JPEG", "MPO", "PNG", "WEBP")
# Enough for the face models (the local one sees 64 px, Rekognition wants faces
# of 40 px in 1920x1080) and keeps a stored photo near 300 KB.
MAX_SIDE = 1920
JPEG_QUALITY = 85


class PhotoRejected(Exception):
    """The upload is not a photo we accept; str(error) is a message for the user."""


def upload_messages(*, max_bytes: int, max_pixels: int) -> dict[str, str]:
    """What an upload is told when refused, by reason; the capture page's script shows the same words."""
    return {
        "empty": "The file is empty.",
        "too_big": f"The photo is larger than {max_bytes / 1024 / 1024:g} MB.",
        "not_image": "This file is not an image. Send a JPEG, PNG or WebP photo.",
        "unsupported": "{format} images are not supported. Send a JPEG, PNG or WebP photo.",
        "too_many_pixels": f"The photo has too many pixels (at most {max_pixels / 1_000_000:g} megapixels).",
        "damaged": "The photo is damaged or incomplete.",
    }


def photo_clean(*, data: bytes, max_bytes: int, max_pixels: int) -> bytes:
    """Return a clean JPEG made from an uploaded JPEG, PNG or WebP; raise PhotoRejected."""
    _check_bytes(data, max_bytes)
    image = _opened(data, max_pixels)
    return _encoded(_normalised(image))


def _check_bytes(data: bytes, max_bytes: int) -> None:
    if not data:
        raise PhotoRejected(upload_messages(max_bytes=max_bytes, max_pixels=0)["empty"])
    if len(data) > max_bytes:
        raise PhotoRejected(upload_messages(max_bytes=max_bytes, max_pixels=0)["too_big"])


def _opened(data: bytes, max_pixels: int) -> Image.Image:
    """The decoded image; the pixel count is checked from the header, before any decoding."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            _check_header(image, max_pixels)
            image.verify()  # structure and checksums; the image must be opened again to be used
            image = Image.open(io.BytesIO(data))
            image.load()  # a truncated file fails here
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoRejected(_message("too_many_pixels", max_pixels)) from None
    except UnidentifiedImageError:
        raise PhotoRejected(_message("not_image", max_pixels)) from None
    except (OSError, SyntaxError, ValueError, EOFError):
        raise PhotoRejected(_message("damaged", max_pixels)) from None
    return image


def _check_header(image: Image.Image, max_pixels: int) -> None:
    if image.format not in FORMATS:
        raise PhotoRejected(_message("unsupported", max_pixels).format(format=image.format))
    if image.width * image.height > max_pixels:
        raise PhotoRejected(_message("too_many_pixels", max_pixels))


def _message(reason: str, max_pixels: int) -> str:
    return upload_messages(max_bytes=0, max_pixels=max_pixels)[reason]


def _normalised(image: Image.Image) -> Image.Image:
    upright = ImageOps.exif_transpose(image)
    upright.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    if upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info:
        background = Image.new("RGB", upright.size, "white")  # transparent pixels would turn black
        background.paste(upright.convert("RGBA"), mask=upright.convert("RGBA"))
        return background
    return upright.convert("RGB")


def _encoded(image: Image.Image) -> bytes:
    # A fresh image holds the pixels only, so nothing from the upload's info (EXIF, ICC, XMP) can follow.
    clean = Image.frombytes("RGB", image.size, image.tobytes())
    out = io.BytesIO()
    clean.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return out.getvalue()
