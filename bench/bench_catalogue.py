"""The default catalogue: its first load into an empty migrated database, and the re-runs.

SQLite scratch files: the database is migrated once, and each first-load round
gets a fresh copy of that empty file. Times are of the service
(music.services.catalogue.catalogue_load), without the ~1 s of Python and
Django start-up that `manage.py load_default_catalogue` adds.
"""

import shutil
import statistics
import time
from pathlib import Path

from common import django_setup, emit

ROUNDS = 5


def timed(function) -> tuple[float, float, object]:
    """(wall s, CPU s, result) of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = function()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def database_use(path: Path) -> None:
    """Point Django's default connection at another SQLite file."""
    from django.db import connections

    connection = connections["default"]
    connection.close()
    connection.settings_dict["NAME"] = str(path)


def first_loads(scratch: Path) -> list[tuple[float, float, str]]:
    from django.db import connections

    from music.services.catalogue import catalogue_load

    empty, samples = scratch / "bench.sqlite3", []
    # In WAL mode the migrated schema may still sit in bench.sqlite3-wal: fold it into the file first,
    # or a copy of the file alone has no tables.
    with connections["default"].cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    for number in range(ROUNDS):
        database_use(shutil.copy(empty, scratch / f"round{number}.sqlite3"))
        samples.append(timed(catalogue_load))
    return [(wall, cpu, result.text()) for wall, cpu, result in samples]


def reruns(**options) -> list[tuple[float, float, str]]:
    from music.services.catalogue import catalogue_load

    return [(wall, cpu, result.text()) for wall, cpu, result in
            (timed(lambda: catalogue_load(**options)) for _ in range(ROUNDS))]


def duration(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def row(what: str, samples: list[tuple[float, float, str]]) -> list:
    outputs = {text.split(" (sha256")[0] for _, _, text in samples}
    if len(outputs) != 1:
        raise SystemExit(f"{what}: the rounds disagree: {outputs}")
    return [what, duration(statistics.median(s[0] for s in samples)),
            duration(statistics.median(s[1] for s in samples)), str(len(samples)), outputs.pop()]


def main() -> None:
    scratch = django_setup()
    rows = [row("first load into an empty migrated database (fresh copy each round)", first_loads(scratch)),
            row("re-run, files and track count unchanged (skips on the sha256)", reruns()),
            row("re-run with --force (every row compared)", reruns(force=True))]
    from music.models import Track

    emit("Default catalogue: load_default_catalogue", ["what", "wall p50", "CPU p50", "rounds", "output"], rows, [
        f"{Track.objects.count():,} tracks: 314 starter songs (178 with Spotify ids and features) and the "
        "20,033 Hit Predictor chart hits, 168 of which are starter songs.",
        "SQLite scratch files; the service alone, without Python and Django start-up (~1 s for manage.py). "
        "CPU = time.process_time() of this process (SQLite runs in it, so its work counts); the gap to wall is "
        "time off this process's CPU, such as waiting for the disk.",
        "Medians of the rounds."])


if __name__ == "__main__":
    main()
