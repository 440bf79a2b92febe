"""Readings made in the listener's browser: what the page may post, checked before anything is saved.

A device reading is face-api's scores and face boxes, never the photo. The
server cannot re-check the model's work, so it checks the shape strictly: a
known model name, 8 scores per face in EMOTIONS order, each 0-100 or null (an
emotion the model cannot produce, CONFUSED for face-api), summing to about 100.
"""

import math
from dataclasses import dataclass

from moods.emotion import EMOTIONS, FaceEmotions

# What the page's script reads with (the page hands it this name); each fits MoodCapture.model.
DEVICE_MODELS = ("face-api 1.7.15 on device (tiny + landmark 68 + expression)",)
# Softmax probabilities sum to 1; the script sends each as a percentage rounded to 2
# decimals, so 7 roundings move the sum by at most 0.035. A looser bound still
# refuses scores that are not one distribution (e.g. 0-1 fractions, or raw logits).
SUM_TOLERANCE = 1.0
MAX_FACES = 20  # a group photo; more is not a reading anyone makes on a phone
# A live session samples one reading every few seconds (SAMPLE_SECONDS in
# live_session.js): 720 samples is an hour at 5 s, far beyond a listening session.
MAX_SAMPLES = 720
MAX_SESSION_SECONDS = 24 * 3600


class DeviceReadingRejected(ValueError):
    """The posted reading is not one we can store; the message says what is wrong, for the listener's developer.

    `field` names the part of the body at fault (the API reports the error under it), or "" for the whole body.
    """

    def __init__(self, message: str, *, field: str = ""):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class DeviceReading:
    model: str
    faces: tuple[FaceEmotions, ...]  # as the browser found them; the server orders them
    timeline: tuple[dict, ...] = ()  # live sessions: [{"t": seconds, "scores": {name: 0..100}}], oldest first


def scores_parse(values, *, where: str) -> dict[str, float]:
    """8 numbers (or null) in EMOTIONS order -> {name: score} without the nulls; raises DeviceReadingRejected."""
    order = ", ".join(EMOTIONS)
    if not isinstance(values, list) or len(values) != len(EMOTIONS):
        raise DeviceReadingRejected(f"{where}: send {len(EMOTIONS)} scores, in this order: {order}.")
    scores = {}
    for name, value in zip(EMOTIONS, values, strict=True):
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) \
                or not 0 <= value <= 100:
            raise DeviceReadingRejected(f"{where}: the {name} score must be a number from 0 to 100, or null.")
        scores[name] = float(value)
    total = sum(scores.values())
    if abs(total - 100) > SUM_TOLERANCE:
        raise DeviceReadingRejected(f"{where}: the scores must add up to 100 (±{SUM_TOLERANCE:g}); "
                                    f"these add up to {total:.2f}.")
    return scores


def box_parse(values, *, where: str) -> tuple[float, float, float, float]:
    """[left, top, width, height] as fractions of the picture, inside it."""
    if not isinstance(values, list) or len(values) != 4 \
            or not all(isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) for v in values):
        raise DeviceReadingRejected(f"{where}: the box must be 4 numbers: left, top, width, height.")
    left, top, width, height = (float(v) for v in values)
    # A detector's box may poke a little past the edge; beyond a pixel's worth is not a box in this picture.
    slack = 0.01
    if left < -slack or top < -slack or width <= 0 or height <= 0 \
            or left + width > 1 + slack or top + height > 1 + slack:
        raise DeviceReadingRejected(f"{where}: the box must be fractions of the picture, inside it.")
    return left, top, width, height


def _faces_parse(values) -> tuple[FaceEmotions, ...]:
    if not isinstance(values, list) or not 1 <= len(values) <= MAX_FACES:
        raise DeviceReadingRejected(f"faces: send 1 to {MAX_FACES} faces (none found: nothing to save).")
    faces = []
    for index, face in enumerate(values):
        where = f"faces[{index}]"
        if not isinstance(face, dict):
            raise DeviceReadingRejected(f"{where}: send an object with a box and scores.")
        faces.append(FaceEmotions(box=box_parse(face.get("box"), where=f"{where}.box"),
                                  scores=scores_parse(face.get("scores"), where=f"{where}.scores")))
    return tuple(faces)


def _timeline_parse(values) -> tuple[dict, ...]:
    if not isinstance(values, list) or not 1 <= len(values) <= MAX_SAMPLES:
        raise DeviceReadingRejected(f"timeline: send 1 to {MAX_SAMPLES} samples.")
    samples, last = [], -1.0
    for index, sample in enumerate(values):
        where = f"timeline[{index}]"
        seconds = sample.get("t") if isinstance(sample, dict) else None
        if isinstance(seconds, bool) or not isinstance(seconds, int | float) or not math.isfinite(seconds) \
                or not last < seconds <= MAX_SESSION_SECONDS:
            raise DeviceReadingRejected(f"{where}.t: seconds from the session's start, increasing, "
                                        f"at most {MAX_SESSION_SECONDS}.")
        samples.append({"t": round(float(seconds), 1), "scores": scores_parse(sample.get("scores"),
                                                                              where=f"{where}.scores")})
        last = seconds
    return tuple(samples)


def _model_parse(value) -> str:
    if value not in DEVICE_MODELS:
        raise DeviceReadingRejected(f"model: must be one of: {'; '.join(DEVICE_MODELS)}.")
    return value


def device_reading_parse(body, *, live: bool) -> DeviceReading:
    """A snapshot's {model, faces} or a live session's {model, timeline}; raises DeviceReadingRejected."""
    if not isinstance(body, dict):
        raise DeviceReadingRejected("Send a JSON object.")
    if "image" in body or "photo" in body:
        raise DeviceReadingRejected("A device reading carries scores and boxes only, never a photo.")
    model = _field_parse("model", _model_parse, body.get("model"))
    if live:
        return DeviceReading(model=model, faces=(), timeline=_field_parse("timeline", _timeline_parse,
                                                                          body.get("timeline")))
    return DeviceReading(model=model, faces=_field_parse("faces", _faces_parse, body.get("faces")))


def _field_parse(field: str, parse, value):
    try:
        return parse(value)
    except DeviceReadingRejected as error:
        raise DeviceReadingRejected(str(error), field=field) from None
