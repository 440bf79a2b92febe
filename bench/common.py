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
# The tree whose code is measured: this checkout, or the baseline's worktree that bench/run.py makes
# to measure the code before a change with the same script (BENCH_CODE names it).
CODE = Path(os.environ.get("BENCH_CODE") or ROOT)
SHARED_DATA = Path(os.environ.get("SHARED_DATA", ROOT.parent / "shared" / "data"))


def django_setup(database_url: str | None = None) -> Path:
    """Configure Django on a fresh SQLite file (or the given URL) and migrate it; return the scratch folder."""
    scratch = Path(tempfile.mkdtemp(prefix="cloudscendo-bench-"))
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{scratch / 'bench.sqlite3'}"
    os.environ["MEDIA_ROOT"] = str(scratch / "media")
    os.environ["ALLOWED_HOSTS"] = "testserver,localhost"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cloudscendo.settings")
    sys.path.insert(0, str(CODE))
    import django
    from django.core.management import call_command

    django.setup()
    from django.conf import settings

    # DEBUG off, as in production: with it on, every cursor records its queries (a debug
    # cursor), which costs time the product does not spend. Query counts use
    # CaptureQueriesContext, which turns recording on for its block only.
    settings.DEBUG = False
    call_command("migrate", verbosity=0)
    return scratch


def cpu_and_wall_ms(function: Callable[[], object]) -> tuple[float, float]:
    """One call's CPU time (this process) and wall time, in ms."""
    cpu, wall = time.process_time(), time.perf_counter()
    function()
    return (time.process_time() - cpu) * 1000, (time.perf_counter() - wall) * 1000


def interleaved(functions: dict[str, Callable[[], object]], rounds: int, warmup: int = 3) -> dict[str, dict]:
    """Each function's CPU and wall samples (ms), run in turns; the first to go alternates each round,
    so that ours and the baseline see the same machine load."""
    order = list(functions)
    for name in order * warmup:
        functions[name]()
    samples = {name: {"cpu": [], "wall": []} for name in order}
    for round_ in range(rounds):
        for name in order if round_ % 2 == 0 else order[::-1]:
            cpu, wall = cpu_and_wall_ms(functions[name])
            samples[name]["cpu"].append(cpu)
            samples[name]["wall"].append(wall)
    return samples


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


def emit(title: str, columns: list[str], rows: list[list], notes: list[str] = (), targets: dict | None = None) -> None:
    """The script's report for bench/run.py; targets: the issue-15 targets measured (bench/targets.py)."""
    print(json.dumps({"title": title, "columns": columns, "rows": rows, "notes": list(notes),
                      "targets": targets or {}}))


def resident_mb() -> float:
    """This process's resident memory (VmRSS), in MB."""
    return int(Path("/proc/self/status").read_text().split("VmRSS:")[1].split()[0]) / 1024
