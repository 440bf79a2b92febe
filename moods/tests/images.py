"""Test images made on the fly: real photos from scikit-image, encoded by Pillow."""

import io

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
