"""CPU seconds of the processes a bench started, of the PostgreSQL backends serving its database, and of Redis.

Linux only (/proc). A process tree counts its live processes' own time plus the time of the children each
has already reaped (cutime, cstime): a gunicorn worker or a Celery child that exits between two readings
still counts, in its parent. PostgreSQL backends are not our children: they are found by database name in
pg_stat_activity and read one by one, by a thread every SAMPLE_SECONDS, since one may exit before the end.
"""

import os
import threading
from pathlib import Path

import psycopg
import redis

TICKS = os.sysconf("SC_CLK_TCK")
SAMPLE_SECONDS = 0.05


def _stat(pid: int) -> tuple[int, float, float] | None:
    """(parent pid, own CPU s, reaped children's CPU s) of a process, or None once it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    fields = text[text.rindex(")") + 2:].split()  # after "pid (comm) ": the name may hold spaces
    own = (int(fields[11]) + int(fields[12])) / TICKS
    return int(fields[1]), own, (int(fields[13]) + int(fields[14])) / TICKS


def tree_cpu(root: int) -> float:
    """CPU seconds of a process and every live descendant, with what each has reaped."""
    stats = {int(entry.name): stat for entry in Path("/proc").iterdir() if entry.name.isdigit()
             if (stat := _stat(int(entry.name)))}
    children: dict[int, list[int]] = {}
    for pid, (parent, _, _) in stats.items():
        children.setdefault(parent, []).append(pid)
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        if pid in stats:
            total += stats[pid][1] + stats[pid][2]
            todo += children.get(pid, [])
    return total


def redis_cpu(url: str) -> float:
    """The Redis server's CPU seconds (user + system) since it started: the whole server, every client's work."""
    info = redis.Redis.from_url(url).info("cpu")
    return info["used_cpu_user"] + info["used_cpu_sys"]


class BackendsCpu:
    """CPU seconds spent by the PostgreSQL backends of one database between start() and stop().

    A backend that exits between two samples loses its last SAMPLE_SECONDS at most; `seen` says how many
    backends there were, so a reader knows whether connections were kept or opened per request.
    """

    def __init__(self, admin_url: str, database: str, *, leave_out: str = ""):
        self.admin_url, self.database, self.leave_out = admin_url, database, leave_out
        self.first: dict[int, float] = {}
        self.last: dict[int, float] = {}
        self._stop = threading.Event()

    def _sample(self, db: psycopg.Connection, *, first: bool = False) -> None:
        pids = [pid for (pid,) in db.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s "
                                             "AND application_name <> %s", (self.database, self.leave_out))]
        for pid in pids:
            if stat := _stat(pid):
                self.last[pid] = stat[1]
                if first:
                    self.first[pid] = stat[1]

    def _run(self) -> None:
        with psycopg.connect(f"{self.admin_url}/postgres", autocommit=True) as db:  # not the measured database
            self._sample(db, first=True)
            self._started.set()
            while not self._stop.wait(SAMPLE_SECONDS):
                self._sample(db)
            self._sample(db)

    def start(self) -> None:
        self._started = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        self._started.wait(10)

    def stop(self) -> tuple[float, int]:
        """(CPU seconds, backends seen)."""
        self._stop.set()
        self._thread.join(10)
        return sum(cpu - self.first.get(pid, 0.0) for pid, cpu in self.last.items()), len(self.last)
