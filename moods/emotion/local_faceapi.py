"""Local emotion reading with face-api's nets: face box -> 68 landmarks -> expression.

The face box comes from BlazeFace (blazeface.py: one 128 px invoke, ~10x less
CPU than the Haar cascade it replaced), or from the Haar cascade when BlazeFace
finds nothing or is not installed. The landmark net finds the face inside that
box, and the expression net then reads a crop fitted to the landmarks, which is
how face-api itself feeds it. Accuracy per front end: BENCHMARKS.md (bench_emotion).
"""

from __future__ import annotations

import math

import numpy as np

from . import Analysis, FaceEmotions, InputRejected, blazeface, faceapi
from .local import MAX_FACES, MIN_SIDE, Box, _cascade, decode_grey, find_faces, fraction_box

# FaceExpressions.ts FACE_EXPRESSION_LABELS order -> Rekognition names. Neutral has no
# Rekognition twin (CALM is the nearest); face-api has no CONFUSED, so a reading has no CONFUSED score.
MODEL_CLASSES = ("CALM", "HAPPY", "SAD", "ANGRY", "FEAR", "DISGUSTED", "SURPRISED")
# Margin added to each side of the landmarks' box, as a share of its width/height:
# the 68 points stop at the brows and chin; face-api's own detector boxes reach
# ~10 % further (forehead, cheeks), which is what the expression net was fed.
LANDMARK_MARGIN = 0.1
# BlazeFace's box is centred lower than Haar's (it reaches the chin; median offset 13 % of its
# side on both face sets) and its size varies against Haar's (0.94x-1.16x). The landmark net
# reads the crop it is given, so the box is moved part of the way toward Haar's geometry:
# of six (scale, shift) pairs tried on the two face sets this one kept both accuracies at or
# above the Haar front end's (bench_emotion's notes give the spread: ~2 points on JAFFE).
BLAZE_SCALE, BLAZE_SHIFT = 1.05, -0.07


def face_crop(grey: np.ndarray, box: Box) -> tuple[np.ndarray, Box]:
    """The box cut from the image as face-api's extractFaceTensors does: clipped to the
    image, then x, y, width, height each floored (Box.clipAtImageBorders); and that region."""
    rows, cols = grey.shape
    left, top = max(box.x, 0.0), max(box.y, 0.0)
    width = math.floor(min(box.x + box.w - left, cols - left))
    height = math.floor(min(box.y + box.h - top, rows - top))
    left, top = math.floor(left), math.floor(top)
    return grey[top:top + max(height, 1), left:left + max(width, 1)], Box(left, top, max(width, 1), max(height, 1))


def net_input(crop: np.ndarray) -> np.ndarray:
    """[112, 112] float32 grey as face-api's NetInput.toBatchTensor(112, true) makes it from a tensor:
    padded with black to a centred square (padToSquare: round(diff / 2) after, the rest
    before), then tf.image.resizeBilinear without corner alignment or half-pixel centres."""
    height, width = crop.shape
    diff = abs(height - width)
    # Python's round (half to even) where face-api's Math.round goes half up: for an odd
    # diff / 2 the face sits one pixel further left/up. The survey's figures were made so;
    # Math.round reads 2 of 174 faces_wild faces differently (64.4 % instead of 65.5 %).
    after = round(diff / 2)
    pads = ((0, 0), (diff - after, after)) if height > width else ((diff - after, after), (0, 0))
    square = np.pad(crop.astype(np.float32), pads)
    return _tf_resize_bilinear(square) if square.shape[0] != faceapi.SIDE else square


def _tf_resize_bilinear(square: np.ndarray) -> np.ndarray:
    """TensorFlow's legacy bilinear resize to 112 px: source = destination x (in / out), no
    antialiasing. cv2.resize samples at half-pixel centres, which moved readings (BENCHMARKS.md)."""
    source = np.arange(faceapi.SIDE, dtype=np.float32) * np.float32(square.shape[0] / faceapi.SIDE)
    low = np.floor(source).astype(np.intp)
    high = np.minimum(low + 1, square.shape[0] - 1)
    weight = source - low
    rows = square[low] * (1 - weight)[:, None] + square[high] * weight[:, None]
    return rows[:, low] * (1 - weight)[None, :] + rows[:, high] * weight[None, :]


def landmarks(crops: list[np.ndarray]) -> np.ndarray:
    """[N, 68, 2] landmark positions as fractions of each crop's width and height
    (FaceLandmark68NetBase.postProcess: the net answers in the padded square)."""
    raw = faceapi.run("landmarks", np.stack([net_input(crop) for crop in crops])).reshape(len(crops), 68, 2)
    sizes = np.array([crop.shape[::-1] for crop in crops], np.float32)[:, None, :]  # (width, height)
    side = sizes.max(axis=2, keepdims=True)
    return (raw * side - (side - sizes) / 2) / sizes


def landmark_boxes(grey: np.ndarray, boxes: list[Box]) -> list[Box]:
    """Per face, the box around its 68 landmarks in image pixels, widened by LANDMARK_MARGIN per side."""
    crops, regions = zip(*(face_crop(grey, box) for box in boxes), strict=True)
    return [_widened(region, points) for region, points in zip(regions, landmarks(list(crops)), strict=True)]


def _widened(region: Box, points: np.ndarray) -> Box:
    xs, ys = region.x + points[:, 0] * region.w, region.y + points[:, 1] * region.h
    width, height = float(xs.max() - xs.min()), float(ys.max() - ys.min())
    return Box(float(xs.min()) - LANDMARK_MARGIN * width, float(ys.min()) - LANDMARK_MARGIN * height,
               width * (1 + 2 * LANDMARK_MARGIN), height * (1 + 2 * LANDMARK_MARGIN))


def face_boxes(grey: np.ndarray, *, front_end: str = "blazeface") -> list[Box]:
    """Face boxes for the landmark net, largest first: BlazeFace's, else the Haar cascade's."""
    boxes = [_haar_like(box) for box in blazeface.find_faces(grey)] if front_end == "blazeface" else []
    return (boxes or find_faces(grey))[:MAX_FACES]


def _haar_like(box: Box) -> Box:
    side = max(box.w, box.h) * BLAZE_SCALE
    centre_x, centre_y = box.x + box.w / 2, box.y + box.h / 2 + BLAZE_SHIFT * box.h
    return Box(centre_x - side / 2, centre_y - side / 2, side, side)


def expressions(grey: np.ndarray, boxes: list[Box]) -> np.ndarray:
    """[N, 7] expression probabilities for the faces in boxes."""
    crops = [face_crop(grey, box)[0] for box in landmark_boxes(grey, boxes)]
    return faceapi.run("expressions", np.stack([net_input(crop) for crop in crops]))


def to_scores(probabilities: np.ndarray) -> dict[str, float]:
    """Softmax output -> the model's seven Rekognition emotions, 0..100 (no CONFUSED: face-api has no such class)."""
    return {name: 100.0 * float(p) for name, p in zip(MODEL_CLASSES, probabilities, strict=True)}


class FaceApiDetector:
    """`Detector` on face-api's landmark + expression nets (see module docstring)."""

    model = faceapi.MODEL_NAME

    def __init__(self, *, front_end: str | None = None):
        faceapi.sessions()  # build now, not on the first photo; raises ModelMissing without npm's files
        self.front_end = front_end or ("blazeface" if blazeface.available() else "haar")
        if self.front_end == "blazeface":
            blazeface.load()
        _cascade()  # the Haar fallback's ~60 ms load, also paid here rather than by a photo

    def detect(self, image: bytes, *, storage_name: str | None = None) -> Analysis:
        grey, (width, height) = decode_grey(image)
        if min(width, height) < MIN_SIDE:
            raise InputRejected(f"image too small: {width}x{height}")
        boxes = face_boxes(grey, front_end=self.front_end)
        readings = expressions(grey, boxes) if boxes else []
        faces = tuple(FaceEmotions(box=fraction_box(box, grey.shape), scores=to_scores(probabilities))
                      for box, probabilities in zip(boxes, readings, strict=True))
        return Analysis(faces=faces, width=width, height=height, model=self.model)
