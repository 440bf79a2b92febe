"""The `fer` package's own pipeline (FER(): Haar cascade + its quantised model on TensorFlow), for comparison.

fer needs TensorFlow, which the app must not carry, so this module builds a
separate venv under bench/.cache/ (git-ignored) and runs bench/fer_inner.py
there. Scoring happens here, with moods.evaluation, exactly as for our backend.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

from common import ROOT

VENV = ROOT / "bench" / ".cache" / "fer-venv"
PYTHON = VENV / "bin" / "python"
INNER = ROOT / "bench" / "fer_inner.py"
# fer's declared dependencies pull PyTorch and moviepy too; FER() needs only these.
# OpenCV 4.x: 5.x dropped CascadeClassifier. setuptools<81: fer still imports pkg_resources.
PACKAGES = ["tensorflow==2.21.0", "opencv-python-headless==4.14.0.94", "numpy==2.4.6", "Pillow==13.0.0",
            "requests", "setuptools<81"]
ONE_THREAD = {"OMP_NUM_THREADS": "1", "TF_NUM_INTRAOP_THREADS": "1", "TF_NUM_INTEROP_THREADS": "1",
              "TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": ""}


def venv_ensure() -> None:
    """Create the venv with fer and TensorFlow unless it already imports them."""
    probe = [str(PYTHON), "-c", "import tensorflow, cv2; from fer.fer import FER"]
    if PYTHON.exists() and subprocess.run(probe, capture_output=True, check=False).returncode == 0:
        return
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(VENV)], check=True)
    pip = [str(PYTHON), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    subprocess.run([*pip, *PACKAGES], check=True, stdout=sys.stderr)
    subprocess.run([*pip, "--no-deps", "fer==25.10.3"], check=True, stdout=sys.stderr)


def inner(task: str, *args: str) -> object:
    """Run one fer_inner.py task in the venv, one thread, and return its JSON answer."""
    env = {**os.environ, **ONE_THREAD}
    done = subprocess.run([str(PYTHON), str(INNER), task, *args], env=env, capture_output=True, text=True,
                          check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def predictions(paths: list[Path]) -> list[tuple[str, float]]:
    """(prediction or NO_FACE, ms) for each image, largest face decides."""
    return [tuple(item) for item in inner("predict", *map(str, paths))]


def latency_ms(path: Path, runs: int) -> list[float]:
    return inner("latency", str(path), str(runs))


def rss_mb(path: Path) -> float:
    return inner("rss", str(path))
