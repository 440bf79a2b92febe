"""Uploaded photos: decode and verify them, then make a clean JPEG that keeps none of the uploaded bytes.

The clean copy is upright (EXIF orientation applied), at most MAX_SIDE pixels
on its long side, and carries no metadata at all (no EXIF, GPS, ICC, XMP or comment).
It is made once, in the web request; the worker reads the stored copy.

A photo longer than MAX_SIDE is halved (1/2, 1/4, 1/8 ...) until it fits, so it
is kept between MAX_SIDE / 2 and MAX_SIDE long. A JPEG is halved by its own
decoder, in the DCT: a 12 MP photo is decoded straight to 1000x750 and never
resampled at all (BENCHMARKS.md, bench_photos: ~7x less CPU than decoding it
whole and resampling it to 1920 px); other formats by reduce(), a box average.
"""

import io
import warnings

from PIL import Image, ImageOps, UnidentifiedImageError

# MPO is how Pillow names the multi-picture JPEGs many phone cameras write: a
# JPEG whose first frame is the photo (CIPA DC-007); we keep only that frame.
FORMATS = ("JPEG", "MPO", "PNG", "WEBP")
# Enough for the face models: halving keeps more than 960 px of a larger photo, about what the
# local reader decodes of any photo (emotion/local.py, DECODE_LONG_SIDE), and Rekognition finds faces
# from 40 px in 1920x1080; a stored photo stays a few hundred KB.
MAX_SIDE = 1920
JPEG_QUALITY = 85
# The most memory one decode may take (issue 13): a 1.6 KB PNG declaring 6320x6320 RGBA pixels would
# otherwise cost 160 MB to decode. JPEGs are decoded already halved towards MAX_SIDE (libjpeg's
# 1/2, 1/4, 1/8 DCT scaling), so a 48-megapixel phone photo decodes to 0.75 and passes.
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
    image = _fitted(_opened(data, max_pixels))
    # A lossless turn of the pixels kept, before _flattened, whose new image would not hold the upload's EXIF.
    ImageOps.exif_transpose(image, in_place=True)
    return _encoded(_flattened(image))


def _check_bytes(data: bytes, max_bytes: int) -> None:
    if not data:
        raise PhotoRejected(EMPTY)
    if len(data) > max_bytes:
        raise PhotoRejected(too_big(max_bytes))


def _opened(data: bytes, max_pixels: int) -> Image.Image:
    """The decoded image (a JPEG already halved in the DCT); the pixel count is checked from the header,
    before any decoding."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            _check_header(image, max_pixels)
            if image.format == "PNG":  # its chunk checksums; for JPEG and WebP Pillow's verify() checks nothing
                image.verify()
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


def _halving(size: tuple[int, int]) -> int:
    """The smallest power of two that brings the long side within MAX_SIDE (rounded up, as libjpeg and reduce())."""
    factor = 1
    while -(-max(size) // factor) > MAX_SIDE:
        factor *= 2
    return factor


def _draft(image: Image.Image) -> None:
    """Ask the JPEG decoder to halve in the DCT (1/2, 1/4, 1/8) until MAX_SIDE fits (no-op for other formats)."""
    halving = _halving(image.size)
    if image.format in ("JPEG", "MPO") and halving > 1:
        # draft() takes the largest of 1/8, 1/4, 1/2 whose result still covers the size asked.
        image.draft(None, (max(1, image.width // halving), max(1, image.height // halving)))


def _flattened(image: Image.Image) -> Image.Image:
    """RGB or grey (a JPEG's own modes, kept as they are: a grey photo stays one channel)."""
    if image.mode in ("RGB", "L"):
        return image
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        background = Image.new("RGB", image.size, "white")  # transparent pixels would turn black
        background.paste(image.convert("RGBA"), mask=image.convert("RGBA"))
        return background
    return image.convert("RGB")


def _fitted(image: Image.Image) -> Image.Image:
    """The halving the JPEG decoder did not do (a PNG or WebP, or a JPEG past 1/8), before any conversion
    so that memory stays bounded by the decode: a box average, or every n-th pixel where an average means
    nothing (palette indices) or reduce() refuses the mode (1-bit, 16-bit grey)."""
    halving = _halving(image.size)
    if halving == 1:
        return image
    if image.mode in ("1", "P", "PA") or image.mode.startswith("I;16"):
        size = (-(-image.width // halving), -(-image.height // halving))
        return image.resize(size, Image.Resampling.NEAREST)
    return image.reduce(halving)


def _encoded(image: Image.Image) -> bytes:
    # Pillow's JPEG writer takes metadata only from save()'s arguments and, for a comment, from
    # image.info: with info emptied the file holds the pixels alone (no EXIF, GPS, ICC, XMP or comment),
    # without copying them into a fresh image (that copy was ~1/6 of a 640x480 photo's CPU).
    image.info = {}
    out = io.BytesIO()
    # No optimize=True: its second pass over the coefficients doubled the encode's CPU for a few % of bytes.
    image.save(out, "JPEG", quality=JPEG_QUALITY)
    return out.getvalue()
