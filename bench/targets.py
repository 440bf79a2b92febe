"""Issue 15's targets, one row each in BENCHMARKS.md's first section.

A bench script measures some of them and says so in its JSON line under
"targets": {id: {"measured": str, "baseline": str, "met": bool, "why": str}},
where baseline is what the code before the change (or the named fair
alternative) measured in the same run, interleaved with ours, and why says,
for a target not met, why and what was tried. bench/run.py merges them here.
"""

TITLE = "Targets (issue 15): measured against a baseline in the same run"

# The capture path's targets are measured by running the same script on the code before the change
# (bench/run.py, BASELINE_SCRIPTS).
BEFORE = "the code before (same script, bench/run.py's BENCH_BASELINE_REF)"

# id -> (the target as the issue states it, what the baseline column holds)
TARGETS = {
    "detect-640": ("detect() CPU p50, 640x480 JPEG: <= 5 ms", "Haar front end (before)"),
    "detect-256": ("detect() CPU p50, 256x256 face (JAFFE PNG): <= 5 ms", "Haar front end (before)"),
    "detect-12mp": ("detect() CPU p50, 12 MP JPEG: <= 40 ms", "Haar front end (before)"),
    "accuracy-faces": ("accuracy on faces (JAFFE): no lower than before", "Haar front end (before)"),
    "accuracy-wild": ("accuracy on faces_wild: no lower than before", "Haar front end (before)"),
    "clean-640": ("upload cleaning CPU p50, 640x480: <= 3 ms", "full decode + LANCZOS (before)"),
    "clean-12mp": ("upload cleaning CPU p50, 12 MP: <= 100 ms", "full decode + LANCZOS (before)"),
    "clean-once": ("cleaning done once: the worker reuses the web process's JPEG", ""),
    "capture-cpu": ("CPU per capture, web + worker + database: <= 40 ms", BEFORE),
    "capture-cpu-prod": ("CPU per capture, production topology (gunicorn + Celery + PostgreSQL): <= 40 ms", BEFORE),
    "capture-sql": ("SQL statements per capture, web + worker: <= 20", BEFORE),
    "one-user-prod": ("production topology, one user, upload -> songs: p50 <= 70 ms, p95 <= 120 ms", BEFORE),
    "load": (">= 25 captures/s sustained 60 s, p95 <= 500 ms, 0 errors, 0 lost", BEFORE),
    "one-user-dev": ("`make run` (runserver, tasks in-process), one user: p95 <= 150 ms",
                     "Django's runserver (Nagle on), same run"),
    "list-sqlite": ("personalised list build p50, SQLite 41k: <= 3 ms", "numpy in memory, same process"),
    "list-pg": ("personalised list build p50, PostgreSQL 1M: <= 3 ms", "numpy in memory, same process"),
}
COLUMNS = ["target", "measured", "baseline (same run)", "baseline is", "met", "why not met / what was tried",
           "measured by"]


def rows(measured: dict[str, dict], sources: dict[str, str]) -> list[list[str]]:
    """One row per target; a target no bench measured says so."""
    table = []
    for key, (target, baseline_is) in TARGETS.items():
        found = measured.get(key)
        if found is None:
            table.append([target, "not measured", "", baseline_is, "**no**", "no bench measures it yet", ""])
            continue
        table.append([target, found["measured"], found.get("baseline", ""), baseline_is,
                      "yes" if found["met"] else "**no**", "" if found["met"] else found.get("why", ""),
                      sources.get(key, "")])
    return table
