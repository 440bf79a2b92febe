"""How well a detector reads a folder-per-label face set: accuracy, recall per class, confusion, time per image."""

import statistics
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from moods.emotion import EMOTIONS, Detector, InputRejected

# Folder names of the shared face sets -> the port's vocabulary. Rekognition has
# no "neutral"; CALM is its nearest class (../shared/data/README.md).
FOLDER_EMOTIONS = {"angry": "ANGRY", "disgust": "DISGUSTED", "fear": "FEAR", "happy": "HAPPY",
                   "neutral": "CALM", "sad": "SAD", "surprise": "SURPRISED"}
# The prediction when no face is read: none found, or the image refused (smaller than the detector takes,
# damaged). Always counts as wrong; one refused image must not end the run.
NO_FACE = "NO_FACE"
SUFFIXES = {".jpg", ".jpeg", ".png", ".webp"}


@dataclass
class Evaluation:
    root: str
    model: str = ""  # the detector's model name (the local backend has two)
    golds: list[str] = field(default_factory=list)
    predictions: list[str] = field(default_factory=list)
    times_ms: list[float] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return _share(sum(g == p for g, p in zip(self.golds, self.predictions, strict=True)), len(self.golds))

    def recall(self) -> dict[str, float]:
        hits, totals = Counter(), Counter(self.golds)
        hits.update(g for g, p in zip(self.golds, self.predictions, strict=True) if g == p)
        return {label: _share(hits[label], totals[label]) for label in sorted(totals)}

    def confusion(self) -> dict[str, dict[str, int]]:
        """Rows: the true label; columns: every prediction, NO_FACE last."""
        pairs = Counter(zip(self.golds, self.predictions, strict=True))
        columns = [*EMOTIONS, NO_FACE]
        return {gold: {column: pairs[gold, column] for column in columns} for gold in sorted(set(self.golds))}

    def summary(self) -> dict:
        times = sorted(self.times_ms) or [0.0]
        recall = self.recall()
        return {"root": self.root, "model": self.model, "images": len(self.golds), "accuracy": round(self.accuracy, 4),
                "recall": {k: round(v, 4) for k, v in recall.items()}, "happy_recall": round(recall.get("HAPPY", 0), 4),
                "no_face": self.predictions.count(NO_FACE), "confusion": self.confusion(),
                "ms_per_image_p50": round(statistics.median(times), 2),
                "ms_per_image_p95": round(times[min(len(times) - 1, round(0.95 * (len(times) - 1)))], 2)}


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def labelled_images(root: Path) -> list[tuple[Path, str]]:
    """(image, true emotion) for every image in a known label folder under root, in a stable order."""
    return [(path, emotion) for folder, emotion in sorted(FOLDER_EMOTIONS.items())
            for path in sorted((root / folder).glob("*")) if path.suffix.lower() in SUFFIXES]


def prediction(detector: Detector, image: bytes) -> str:
    """The dominant emotion of the largest face, or NO_FACE."""
    try:
        analysis = detector.detect(image)
    except InputRejected:
        return NO_FACE
    return max(analysis.faces, key=lambda face: face.area).dominant()[0] if analysis.faces else NO_FACE


def evaluation_run(*, detector: Detector, root: Path) -> Evaluation:
    """Run the detector on every labelled image under root; time includes decoding."""
    items = labelled_images(root)
    if not items:
        raise ValueError(f"no labelled images under {root} (expected folders: {', '.join(FOLDER_EMOTIONS)})")
    result = Evaluation(root=str(root), model=detector.model)
    for path, gold in items:
        image = path.read_bytes()
        start = time.perf_counter()
        result.predictions.append(prediction(detector, image))
        result.times_ms.append((time.perf_counter() - start) * 1000)
        result.golds.append(gold)
    return result
