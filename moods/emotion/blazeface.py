"""Face boxes from MediaPipe's BlazeFace face detectors, run with onnxruntime.

The trained models (face_detection_short_range.tflite and
face_detection_full_range_sparse.tflite, Apache-2.0) ship inside the
`mediapipe` wheel pinned in requirements-model.txt; we read those files and
never import mediapipe (its runtime and dependencies are not installed).
One invoke on a 128 px copy replaces the Haar cascade's image pyramid. Both
models run on onnxruntime, rebuilt from their .tflite files (tflite_onnx.py;
bench_emotion's notes compare them with LiteRT running the files). The short-range
model misses faces under ~20 px of its input (a face filling less than ~1/6 of
the photo's long side); the full-range model, 3-4x the CPU, looks for those; a
face that fills the frame gets a border and the short-range model again; the
Haar cascade stays as the last fallback.

Model contract (mediapipe/modules/face_detection/face_detection_*.pbtxt, their
SsdAnchorsCalculator and TensorsToDetectionsCalculator options): input
[1, side, side, 3] RGB scaled to [-1, 1], the photo letterboxed (our rebuilt
graphs take the one grey channel, [1, 1, side, side]); outputs one
row of 16 regressors per anchor (box centre offset and size, 6 key points, in
input pixels) and one logit per anchor.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
from pathlib import Path
from typing import NamedTuple

import cv2
import numpy as np
import onnxruntime
from django.conf import settings

from . import BackendUnavailable, faceapi, tflite_onnx
from .local import Box


class Model(NamedTuple):
    file: str
    side: int
    grids: tuple[tuple[int, int], ...]  # (cells per side, anchors per cell), in output order


# Short range: strides 8, 16, 16, 16 at 128 px, two anchors per layer and cell, the three
# stride-16 layers sharing one 8x8 grid: 16*16*2 + 8*8*6 = 896 anchors.
SHORT_RANGE = Model("face_detection_short_range.tflite", 128, ((16, 2), (8, 6)))
# Full range: one stride-4 layer at 192 px, one anchor per cell: 48*48 = 2304 anchors.
FULL_RANGE = Model("face_detection_full_range_sparse.tflite", 192, ((48, 1),))
MIN_SCORE = 0.5  # TensorsToDetectionsCalculator's min_score_thresh (short range)
# Weighted non-maximum suppression overlap (face_detection.pbtxt min_suppression_threshold).
NMS_OVERLAP = 0.3
# A face that fills the frame edge to edge (a tight crop) is outside what the
# short-range model saw in training; a grey border around it, as the Haar path does, finds it.
RETRY_BORDER = 0.25
CONVERTER_VERSION = 1  # part of the cache key: bump when tflite_onnx writes a different graph


def model_path(model: Model = SHORT_RANGE) -> Path:
    """The .tflite inside the installed mediapipe wheel, found without importing mediapipe."""
    spec = importlib.util.find_spec("mediapipe")
    if spec is None or not spec.submodule_search_locations:
        raise BackendUnavailable("mediapipe's face detectors are not installed (requirements-model.txt)")
    path = Path(next(iter(spec.submodule_search_locations))) / "modules" / "face_detection" / model.file
    if not path.is_file():
        raise BackendUnavailable(f"BlazeFace model missing: {path}")
    return path


def available() -> bool:
    """Whether both models are installed (else the caller keeps the Haar cascade)."""
    try:
        model_path(SHORT_RANGE), model_path(FULL_RANGE)
    except BackendUnavailable:
        return False
    return True


@functools.cache
def session(model: Model) -> onnxruntime.InferenceSession:
    """A model on onnxruntime, converted once per .tflite file and kept under var/blazeface/ (importing
    onnx to convert takes ~1 s). One session serves every thread: its run() is thread-safe."""
    data = model_path(model).read_bytes()
    key = hashlib.sha256(f"{CONVERTER_VERSION}".encode() + data).hexdigest()[:16]
    path = Path(settings.VAR_DIR) / "blazeface" / f"{Path(model.file).stem}-{key}.onnx"
    return faceapi.session(faceapi.cached(path, lambda: tflite_onnx.onnx_model(data).SerializeToString()))


def load() -> None:
    """Make the models now (a worker child's start), not on its first photo."""
    for model in (SHORT_RANGE, FULL_RANGE):
        session(model)


def invoke(model: Model, image: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """[anchors, 16] regressors and [anchors] logits for a letterboxed [side, side] input."""
    regressors, logits = sorted(session(model).run(None, {"image": image[None, None]}), key=lambda a: -a.shape[-1])
    return regressors[0], logits[0, :, 0]


def anchors(model: Model) -> np.ndarray:
    """[anchors, 2] anchor centres in input pixels, in the model's output order."""
    centres = []
    for grid, per_cell in model.grids:
        ys, xs = np.meshgrid((np.arange(grid) + 0.5) / grid, (np.arange(grid) + 0.5) / grid, indexing="ij")
        centres.append(np.repeat(np.stack([xs.ravel(), ys.ravel()], axis=1), per_cell, axis=0))
    return (np.concatenate(centres) * model.side).astype(np.float32)


ANCHORS = {model: anchors(model) for model in (SHORT_RANGE, FULL_RANGE)}


def find_faces(grey: np.ndarray) -> list[Box]:
    """Face boxes in `grey` pixels, largest first: short range, then full range for small
    faces, then short range with a border for tight crops; [] when none of them finds a face."""
    # Small faces (a phone photo of someone a few metres away) come before tight crops: on
    # the two shared face sets 2 of 387 images need the border, and full range finds
    # neither of them, so the order changes no reading there and spares a photo with a
    # small face one short-range invoke.
    return (_detect(grey, SHORT_RANGE, border=0.0) or _detect(grey, FULL_RANGE, border=0.0)
            or _detect(grey, SHORT_RANGE, border=RETRY_BORDER))


def _detect(grey: np.ndarray, model: Model, *, border: float) -> list[Box]:
    image, scale, (pad_x, pad_y) = letterboxed(grey, model.side, border=border)
    boxes = decoded(*invoke(model, image), ANCHORS[model])
    return sorted((Box(float((x - pad_x) / scale), float((y - pad_y) / scale), float(w / scale), float(h / scale))
                   for x, y, w, h in boxes),
                  key=lambda b: -b.w * b.h)


def letterboxed(grey: np.ndarray, side: int, *, border: float) -> tuple[np.ndarray, float, tuple[float, float]]:
    """[side, side] in [-1, 1]: the image scaled to fit (aspect kept), centred on the
    mean grey; and the scale and offset that map image pixels to input pixels."""
    rows, cols = grey.shape
    scale = side / (max(rows, cols) * (1 + 2 * border))
    width, height = max(1, round(cols * scale)), max(1, round(rows * scale))
    small = cv2.resize(grey, (width, height), interpolation=cv2.INTER_AREA)
    canvas = np.full((side, side), int(small.mean()) if border else 0, np.uint8)
    left, top = (side - width) // 2, (side - height) // 2
    canvas[top:top + height, left:left + width] = small
    return canvas.astype(np.float32) / 127.5 - 1.0, scale, (float(left), float(top))


def decoded(regressors: np.ndarray, logits: np.ndarray,
            centres: np.ndarray) -> list[tuple[float, float, float, float]]:
    """(left, top, width, height) in input pixels of each face kept after weighted NMS."""
    keep = logits > np.log(MIN_SCORE / (1 - MIN_SCORE))  # sigmoid(logit) > MIN_SCORE
    if not keep.any():
        return []
    centres = centres[keep] + regressors[keep, :2]
    sizes = regressors[keep, 2:4]
    corners = np.concatenate([centres - sizes / 2, centres + sizes / 2], axis=1)
    return [(x0, y0, x1 - x0, y1 - y0) for x0, y0, x1, y1 in _weighted_nms(corners, logits[keep])]


def _weighted_nms(corners: np.ndarray, logits: np.ndarray) -> list[np.ndarray]:
    """MediaPipe's WEIGHTED suppression: overlapping boxes are averaged, weighted by their scores."""
    scores = 1 / (1 + np.exp(-logits))
    order = np.argsort(-scores)
    kept = []
    while order.size:
        overlap = _iou(corners[order[0]], corners[order])
        cluster = order[overlap > NMS_OVERLAP]
        kept.append((corners[cluster] * scores[cluster, None]).sum(axis=0) / scores[cluster].sum())
        order = order[overlap <= NMS_OVERLAP]
    return kept


def _iou(box: np.ndarray, others: np.ndarray) -> np.ndarray:
    low, high = np.maximum(box[:2], others[:, :2]), np.minimum(box[2:], others[:, 2:])
    inter = np.prod(np.clip(high - low, 0, None), axis=1)
    area = np.prod(box[2:] - box[:2])
    areas = np.prod(others[:, 2:] - others[:, :2], axis=1)
    return inter / (area + areas - inter + 1e-9)
