"""Helpers shared by the bench scripts: Django set-up on a scratch database and timing."""

import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = Path(os.environ.get("SHARED_DATA", ROOT.parent / "shared" / "data"))


def django_setup(database_url: str | None = None) -> Path:
    """Configure Django on a fresh SQLite file (or the given URL) and migrate it; return the scratch folder."""
    scratch = Path(tempfile.mkdtemp(prefix="cloudscendo-bench-"))
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{scratch / 'bench.sqlite3'}"
    os.environ["MEDIA_ROOT"] = str(scratch / "media")
    os.environ["ALLOWED_HOSTS"] = "testserver,localhost"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cloudscendo.settings")
    sys.path.insert(0, str(ROOT))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    return scratch


def timings_ms(function: Callable[[], object], *, repeat: int, warmup: int = 3) -> list[float]:
    for _ in range(warmup):
        function()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def get_ok(client, path: str):
    """GET a page and insist on 200, so a benchmark never times an error page."""
    response = client.get(path)
    if response.status_code != 200:
        raise SystemExit(f"GET {path} answered {response.status_code}")
    return response


def p50_p95(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def emit(title: str, columns: list[str], rows: list[list], notes: list[str] = ()) -> None:
    print(json.dumps({"title": title, "columns": columns, "rows": rows, "notes": list(notes)}))


def resident_mb() -> float:
    """This process's resident memory (VmRSS), in MB."""
    return int(Path("/proc/self/status").read_text().split("VmRSS:")[1].split()[0]) / 1024
