"""Uploaded photos: decode and verify them, then make a clean JPEG that keeps none of the uploaded bytes.

The clean copy is upright (EXIF orientation applied), at most MAX_SIDE pixels
on its long side, and carries no metadata at all (no EXIF, GPS, ICC or XMP).
It is made once, in the web request; the worker reads the stored copy.

A large JPEG is decoded straight to the smallest DCT scale (1/2, 1/4 or 1/8)
that still covers MAX_SIDE, so a 12 MP photo is never decoded nor resampled at
full size (BENCHMARKS.md, bench_photos: ~3x less CPU than the full-size path).
"""

import io
import math
import warnings

from PIL import Image, ImageOps, UnidentifiedImageError

# MPO is how Pillow names the multi-picture JPEGs many phone cameras write: a
# JPEG whose first frame is the photo (CIPA DC-007); we keep only that frame.
FORMATS = ("JPEG", "MPO", "PNG", "WEBP")
# Enough for the face models (the local one sees 64 px, Rekognition wants faces
# of 40 px in 1920x1080) and keeps a stored photo near 300 KB.
MAX_SIDE = 1920
JPEG_QUALITY = 85
# The most memory one decode may take (issue 13): a 1.6 KB PNG declaring 6320x6320 RGBA pixels would
# otherwise cost 160 MB to decode. JPEGs are decoded already scaled down towards MAX_SIDE (libjpeg's
# 1/2, 1/4, 1/8 DCT scaling), so a 48-megapixel phone photo decodes to 12 and passes.
MAX_DECODE_BYTES = 100 * 1024 * 1024


class PhotoRejected(Exception):
    """The upload is not a photo we accept; str(error) is a message for the user."""


EMPTY = "The file is empty."
NOT_IMAGE = "This file is not an image. Send a JPEG, PNG or WebP photo."
UNSUPPORTED = "{format} images are not supported. Send a JPEG, PNG or WebP photo."
DAMAGED = "The photo is damaged or incomplete."


def too_big(max_bytes: int) -> str:
    return f"The photo is larger than {max_bytes / 1024 / 1024:g} MB."


def too_many_pixels(max_pixels: int) -> str:
    return f"The photo has too many pixels (at most {max_pixels / 1_000_000:g} megapixels)."


def upload_messages(*, max_bytes: int, max_pixels: int) -> dict[str, str]:
    """What an upload is told when refused, by reason; the capture page's script shows the same words."""
    return {"empty": EMPTY, "too_big": too_big(max_bytes), "not_image": NOT_IMAGE, "unsupported": UNSUPPORTED,
            "too_many_pixels": too_many_pixels(max_pixels), "damaged": DAMAGED}


def photo_clean(*, data: bytes, max_bytes: int, max_pixels: int) -> bytes:
    """Return a clean JPEG made from an uploaded JPEG, PNG or WebP; raise PhotoRejected."""
    _check_bytes(data, max_bytes)
    image = _opened(data, max_pixels)
    return _encoded(_normalised(image))


def _check_bytes(data: bytes, max_bytes: int) -> None:
    if not data:
        raise PhotoRejected(EMPTY)
    if len(data) > max_bytes:
        raise PhotoRejected(too_big(max_bytes))


def _opened(data: bytes, max_pixels: int) -> Image.Image:
    """The decoded image; the pixel count is checked from the header, before any decoding."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            _check_header(image, max_pixels)
            image.verify()  # structure and checksums; the image must be opened again to be used
            image = Image.open(io.BytesIO(data))
            _draft(image)
            _check_decoded_size(image, max_pixels)
            image.load()  # a truncated file fails here (a draft decode still reads every byte)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoRejected(too_many_pixels(max_pixels)) from None
    except UnidentifiedImageError:
        raise PhotoRejected(NOT_IMAGE) from None
    except (OSError, SyntaxError, ValueError, EOFError):
        raise PhotoRejected(DAMAGED) from None
    return image


def _check_header(image: Image.Image, max_pixels: int) -> None:
    if image.format not in FORMATS:
        raise PhotoRejected(UNSUPPORTED.format(format=image.format))
    if image.width * image.height > max_pixels:
        raise PhotoRejected(too_many_pixels(max_pixels))


def _decoded_bytes(image: Image.Image) -> int:
    # How Pillow stores a pixel in memory: 1 byte for 1/L/P, 2 for the 16-bit modes, 4 for every
    # other mode (RGB included: it is padded to 32 bits).
    width = 1 if image.mode in ("1", "L", "P") else 2 if image.mode.startswith("I;16") else 4
    return image.width * image.height * width


def _check_decoded_size(image: Image.Image, max_pixels: int) -> None:
    if _decoded_bytes(image) > MAX_DECODE_BYTES:
        raise PhotoRejected(too_many_pixels(max_pixels))


def _draft(image: Image.Image) -> None:
    """Ask the JPEG decoder for the smallest DCT scale at least MAX_SIDE long (no-op for other formats)."""
    scale = min(1.0, MAX_SIDE / max(image.size))
    if image.format in ("JPEG", "MPO"):  # at scale 1 too: the decoder then writes RGB directly (~1/3 less CPU)
        image.draft("RGB", (math.ceil(image.width * scale), math.ceil(image.height * scale)))


def _normalised(image: Image.Image) -> Image.Image:
    # Shrink first, then turn: the turn (a lossless transpose) then moves the small copy's pixels.
    image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS, reducing_gap=None)
    upright = ImageOps.exif_transpose(image)
    if upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info:
        background = Image.new("RGB", upright.size, "white")  # transparent pixels would turn black
        background.paste(upright.convert("RGBA"), mask=upright.convert("RGBA"))
        return background
    return upright.convert("RGB")


def _encoded(image: Image.Image) -> bytes:
    # A fresh image holds the pixels only, so nothing from the upload's info (EXIF, ICC, XMP) can follow.
    clean = Image.new("RGB", image.size)
    clean.paste(image)
    out = io.BytesIO()
    # No optimize=True: its second pass over the coefficients doubled the encode's CPU for a few % of bytes.
    clean.save(out, "JPEG", quality=JPEG_QUALITY)
    return out.getvalue()
