"""From a detector's Analysis to one reading of a capture: which face decides, and with what scores."""

from dataclasses import dataclass

from moods.emotion import EMOTIONS, Analysis, FaceEmotions


@dataclass(frozen=True)
class Reading:
    emotion: str  # "" when no face carries a usable emotion
    confidence: float
    scores: dict[str, float]
    face_count: int
    faces: list[dict]  # [{"box": [l, t, w, h], "scores": {...}}], largest first


def reading_from_analysis(*, analysis: Analysis, group: bool) -> Reading:
    """The reading of the largest face, or of all faces averaged by size when group is set."""
    faces = sorted(analysis.faces, key=lambda face: face.area, reverse=True)
    names = _scored(faces)
    scores = _weighted_scores(faces, names) if group and faces else _face_scores(faces[0] if faces else None, names)
    emotion = max(names, key=lambda name: scores[name])
    usable = scores[emotion] > 0  # a face whose every emotion was UNKNOWN scores 0 everywhere
    return Reading(emotion=emotion if usable else "", confidence=round(scores[emotion], 2) if usable else 0.0,
                   scores=scores, face_count=len(faces),
                   faces=[{"box": [round(v, 4) for v in face.box], "scores": _face_scores(face, names)}
                          for face in faces])


def _scored(faces: list[FaceEmotions]) -> tuple[str, ...]:
    """The emotions the backend scores: one it cannot produce (the local models' CONFUSED) is left out, not 0."""
    return tuple(name for name in EMOTIONS if any(name in face.scores for face in faces)) or EMOTIONS


def _face_scores(face: FaceEmotions | None, names: tuple[str, ...]) -> dict[str, float]:
    return {name: round(float(face.scores.get(name, 0.0)) if face else 0.0, 2) for name in names}


def _weighted_scores(faces: list[FaceEmotions], names: tuple[str, ...]) -> dict[str, float]:
    # Equal weights if every box is empty (clamped away), so the average stays defined.
    weights = [face.area for face in faces] if any(face.area for face in faces) else [1.0] * len(faces)
    total = sum(weights)
    return {name: round(sum(w * face.scores.get(name, 0.0) for w, face in zip(weights, faces, strict=True)) / total, 2)
            for name in names}


def reading_from_timeline(*, samples: list[dict]) -> Reading:
    """A kept live session as one reading: its samples' scores averaged (each sample is one moment, all equal)."""
    names = tuple(name for name in EMOTIONS if any(name in sample["scores"] for sample in samples)) or EMOTIONS
    scores = {name: round(sum(sample["scores"].get(name, 0.0) for sample in samples) / len(samples), 2)
              for name in names}
    emotion = max(names, key=lambda name: scores[name])
    return Reading(emotion=emotion, confidence=scores[emotion], scores=scores, face_count=1, faces=[])
