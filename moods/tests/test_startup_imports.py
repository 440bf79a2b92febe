"""A web or manage.py process says its emotion model at start without importing OpenCV or the model runtimes."""

import os
import subprocess
import sys

from django.conf import settings

HEAVY = ("cv2", "ai_edge_litert", "onnxruntime")
PROBE = ("import sys, django; django.setup(); "
         "from moods.emotion import detector_model; print(detector_model()); "
         f"print(sorted(name for name in {HEAVY!r} if name in sys.modules))")


def test_django_start_logs_the_model_without_importing_opencv_or_the_runtimes(faceapi_files):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "cloudscendo.settings", "EMOTION_BACKEND": "local"}

    done = subprocess.run([sys.executable, "-c", PROBE], cwd=settings.BASE_DIR, env=env, capture_output=True,
                          text=True, check=True, timeout=120)

    model, imported = done.stdout.strip().splitlines()[-2:]
    assert model == "face-api 1.7.15 (landmark 68 + expression)"
    assert imported == "[]"
    assert "emotion backend local reads with face-api" in done.stderr  # apps.ready() said it
