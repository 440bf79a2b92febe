"""Test images made on the fly: real photos from scikit-image, encoded by Pillow."""

import io
import struct
import zlib

import numpy as np
from PIL import Image, ImageOps
from skimage import data


def astronaut() -> Image.Image:
    """scikit-image's astronaut: a 512x512 colour photo of a smiling face."""
    return Image.fromarray(data.astronaut())


def encoded(image: Image.Image, image_format: str = "JPEG", **options) -> bytes:
    out = io.BytesIO()
    image.save(out, image_format, **options)
    return out.getvalue()


def astronaut_jpeg(**options) -> bytes:
    return encoded(astronaut(), "JPEG", **options)


def blank_jpeg(size: tuple[int, int] = (400, 300)) -> bytes:
    """A grey picture with no face in it."""
    return encoded(Image.new("RGB", size, (128, 130, 135)))


def camera_frame(image: Image.Image, size: tuple[int, int] = (640, 480)) -> Image.Image:
    """The image letterboxed on grey to a camera's frame size: what a fake camera films."""
    return ImageOps.pad(image.convert("RGB"), size, color=(128, 128, 128))


def y4m_clip(scenes: list[tuple[Image.Image, int]], *, size: tuple[int, int] = (640, 480), fps: int = 30) -> bytes:
    """Still scenes, each held for its number of frames, as a YUV4MPEG2 (4:2:0) video: what Chromium's
    fake camera reads (and loops)."""
    chunks = [f"YUV4MPEG2 W{size[0]} H{size[1]} F{fps}:1 Ip A1:1 C420jpeg\n".encode()]
    for image, frames in scenes:
        y, u, v = (np.asarray(plane) for plane in camera_frame(image, size).convert("YCbCr").split())
        half = (size[0] // 2, size[1] // 2)
        u, v = (np.asarray(Image.fromarray(p).resize(half, Image.Resampling.BILINEAR)) for p in (u, v))
        chunks.append((b"FRAME\n" + y.tobytes() + u.tobytes() + v.tobytes()) * frames)
    return b"".join(chunks)


def y4m_video(image: Image.Image, *, frames: int = 30) -> bytes:
    """A still image, letterboxed to 640x480, as a YUV4MPEG2 (4:2:0) video: what Chromium's fake camera reads."""
    return y4m_clip([(image, frames)])


def two_faces_jpeg(faces_root) -> bytes:
    """Two real JAFFE faces side by side on grey (read from ../shared/data/faces, never copied): a happy one and a
    smaller sad one, which the local model reads as HAPPY (largest) and SAD."""
    happy = Image.open(faces_root / "happy" / "KA.HA1.29.png").convert("RGB")
    sad = Image.open(faces_root / "sad" / "KA.SA1.33.png").convert("RGB")
    sad = sad.resize((int(sad.width * 0.7), int(sad.height * 0.7)))
    canvas = Image.new("RGB", (happy.width + sad.width + 60, happy.height + 40), (200, 200, 200))
    canvas.paste(happy, (20, 20))
    canvas.paste(sad, (happy.width + 40, 20 + (happy.height - sad.height) // 2))
    return encoded(canvas)


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def pixel_flood_png(side: int = 6320) -> bytes:
    """A valid RGBA PNG of side x side transparent pixels, about 155 KB long (a 160 MB decode)."""
    rows, row = zlib.compressobj(9), b"\0" * (1 + side * 4)  # filter byte 0, then the pixels
    pixels = b"".join(rows.compress(row) for _ in range(side)) + rows.flush()
    header = struct.pack(">IIBBBBB", side, side, 8, 6, 0, 0, 0)  # 8 bits, RGBA
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", pixels) + _png_chunk(
        b"IEND", b"")
