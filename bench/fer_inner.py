"""Runs inside bench/.cache/fer-venv (see fer_baseline.py): fer's FER() on image files; prints one JSON line.

    fer_inner.py predict FILE...     -> [[emotion or NO_FACE, ms], ...]
    fer_inner.py latency FILE RUNS   -> [ms, ...] (decode included)
    fer_inner.py rss FILE            -> resident MB after loading the model and reading FILE
"""

import json
import os
import sys
import time
from pathlib import Path

import cv2
import numpy as np
from common import resident_mb  # stdlib only, so it imports in the fer venv too
from fer.fer import FER  # fer/__init__.py does not re-export it in 25.10

# fer's labels -> the port's vocabulary (as in moods.evaluation.FOLDER_EMOTIONS)
NAMES = {"angry": "ANGRY", "disgust": "DISGUSTED", "fear": "FEAR", "happy": "HAPPY", "sad": "SAD",
         "surprise": "SURPRISED", "neutral": "CALM"}


def detector() -> FER:
    cv2.setNumThreads(1)
    return FER()  # fer's default pipeline: Haar cascade + the quantised TFLite model


def read(fer: FER, data: bytes) -> str:
    faces = fer.detect_emotions(cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR))
    if not faces:
        return "NO_FACE"
    largest = max(faces, key=lambda face: face["box"][2] * face["box"][3])
    return NAMES[max(largest["emotions"], key=largest["emotions"].get)]


def timed(fer: FER, data: bytes) -> tuple[str, float]:
    start = time.perf_counter()
    label = read(fer, data)
    return label, (time.perf_counter() - start) * 1000


def main() -> None:
    task, args = sys.argv[1], sys.argv[2:]
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core, like the local backend's bench
    fer = detector()
    if task == "predict":
        answer = [timed(fer, Path(path).read_bytes()) for path in args]
    elif task == "latency":
        data = Path(args[0]).read_bytes()
        answer = [timed(fer, data)[1] for _ in range(2 + int(args[1]))][2:]  # 2 warm-up runs
    else:
        read(fer, Path(args[0]).read_bytes())
        answer = resident_mb()
    print(json.dumps(answer))


if __name__ == "__main__":
    main()
