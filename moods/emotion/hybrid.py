"""EMOTION_BACKEND=hybrid: the local model reads every photo; Rekognition only the ones it is unsure of.

Most photos are read confidently on the worker's own CPU, so Rekognition (paid per image, rate
limited) sees only the uncertain ones: no face found, or the deciding face's strongest emotion below
EMOTION_MIN_CONFIDENCE. The Analysis returned is the deciding backend's, so the reading's `model`
says which one decided.
"""

import logging

from django.conf import settings

from moods.readings import reading_from_analysis

from . import Analysis, detector_model, get_detector

logger = logging.getLogger(__name__)


class HybridDetector:
    """`Detector` that asks the local model first and Rekognition when the local reading is uncertain."""

    @staticmethod
    def model_in_use() -> str:
        return f"{detector_model('local')}, then {detector_model('rekognition')}"

    def detect(self, image: bytes, *, storage_name: str | None = None) -> Analysis:
        local = get_detector("local").detect(image, storage_name=storage_name)
        # The single-face reading: a group capture's average is decided later, from the same faces.
        confidence = reading_from_analysis(analysis=local, group=False).confidence
        if confidence >= settings.EMOTION_MIN_CONFIDENCE:
            return local
        logger.info("local reading %.2f below EMOTION_MIN_CONFIDENCE %.2f: asking Rekognition",
                    confidence, settings.EMOTION_MIN_CONFIDENCE)
        return get_detector("rekognition").detect(image, storage_name=storage_name)
