import os
import shutil
import threading
from pathlib import Path

import pytest

from moods.tests.rekognition_server import FakeRekognition


@pytest.fixture
def fake_rekognition():
    """Start FakeRekognition servers: `start(answers, stall_first=False)`; all are closed at the end."""
    servers = []

    def start(answers: list[tuple[int, dict]], *, stall_first: bool = False) -> FakeRekognition:
        servers.append(FakeRekognition(answers, stall_first=stall_first))
        threading.Thread(target=servers[-1].serve_forever, daemon=True).start()
        return servers[-1]

    yield start
    for server in servers:
        server.close()


def _npm_missing(*, node: bool) -> str | None:
    """Why face-api's npm files (and, with node=True, Node to run them) are not usable here."""
    from django.conf import settings

    if node and shutil.which("node") is None:
        return "node is not on PATH (Node 20 runs face-api's reference)"
    packages = ("@vladmandic/face-api", "@tensorflow/tfjs", "@tensorflow/tfjs-backend-wasm") if node \
        else ("@vladmandic/face-api",)
    missing = [name for name in packages if not (Path(settings.BASE_DIR) / "node_modules" / name).is_dir()]
    return f"node_modules lacks {', '.join(missing)} (run `npm ci`)" if missing else None


def _skip_or_fail(reason: str | None) -> None:
    if reason and os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(f"{reason} (REQUIRE_SERVICES=1)", pytrace=False)
    if reason:
        pytest.skip(reason)


@pytest.fixture(scope="session")
def faceapi_files() -> None:
    """face-api's model files from `npm ci`: skip without them, or fail when REQUIRE_SERVICES=1."""
    _skip_or_fail(_npm_missing(node=False))


@pytest.fixture(scope="session")
def faceapi_node() -> None:
    """Node and face-api's npm packages to run its reference: skip, or fail when REQUIRE_SERVICES=1."""
    _skip_or_fail(_npm_missing(node=True))
