"""Load: sustained photo uploads against gunicorn + a real Celery worker on PostgreSQL and Redis, on loopback.

The script starts and stops everything itself: a scratch database
(cs_security_load, dropped afterwards), Redis db 10 (flushed), gunicorn on
127.0.0.1:8450 and one worker process, with production settings (DEBUG=0)
except plain HTTP. A load-test user with a long random password logs in; each
"capture" is the real flow: POST /capture/ (the astronaut photo), poll the
status JSON until it is done, then GET the songs page until it lists songs.
A short ramp finds the highest rate the machine holds, then that rate runs
for 60 s; afterwards the database must show every accepted capture `done`.
"""

import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import redis
import requests
from common import ROOT, emit, p50_p95

sys.path.insert(0, str(ROOT))
from moods.tests.images import astronaut_jpeg

HOST, PORT = "127.0.0.1", 8450
BASE = f"http://{HOST}:{PORT}"
PG_ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
PG_DB = "cs_security_load"
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/10")
WEB_WORKERS, CELERY_CONCURRENCY = 2, 2  # 2 cores shared with the load generator
RAMP_RATES = (1, 2, 4, 6, 8, 10, 12, 15, 18, 22, 26, 30)  # captures per second, 10 s each
RAMP_SECONDS, SUSTAIN_SECONDS, SINGLE_RUNS = 10, 60, 40
POLL_SECONDS = 0.02
FLOW_TIMEOUT = 30.0  # one capture that takes longer counts as an error
PHOTO = astronaut_jpeg()
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def server_env(scratch: Path) -> dict[str, str]:
    return {**os.environ, "DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": HOST,
            "DATABASE_URL": f"{PG_ADMIN_URL}/{PG_DB}", "CELERY_BROKER_URL": REDIS_URL, "CACHE_URL": REDIS_URL,
            "MEDIA_ROOT": str(scratch / "media"), "LOG_LEVEL": "WARNING",
            # Plain HTTP on loopback: no redirect, and cookies without Secure so the client sends them back.
            "SECURE_SSL_REDIRECT": "0", "SESSION_COOKIE_SECURE": "0", "CSRF_COOKIE_SECURE": "0"}


def manage(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True)


def prepare(env: dict, password: str) -> None:
    redis.Redis.from_url(REDIS_URL).flushdb()
    with psycopg.connect(f"{PG_ADMIN_URL}/postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {PG_DB}")
        admin.execute(f"CREATE DATABASE {PG_DB}")
    for command in (("migrate", "--no-input"), ("collectstatic", "--no-input"), ("load_starter_catalogue",)):
        manage(env, *command)
    create = "from accounts.models import User; import os; User.objects.create_user('load', password=os.environ['PW'])"
    manage({**env, "PW": password}, "shell", "-c", create)


def start(env: dict) -> list[subprocess.Popen]:
    web = [sys.executable, "-m", "gunicorn", "cloudscendo.wsgi", "--bind", f"{HOST}:{PORT}",
           "--workers", str(WEB_WORKERS), "--timeout", "30", "--log-level", "warning"]
    worker = [sys.executable, "-m", "celery", "-A", "cloudscendo", "worker", "-l", "WARNING",
              "--concurrency", str(CELERY_CONCURRENCY), "--without-mingle", "--without-gossip",
              "-Q", "analysis,recommendations,videos,celery"]  # every queue of settings.TASK_QUEUES, as the Procfile
    processes = [subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=sys.stderr)
                 for command in (web, worker)]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # gunicorn answers, then one whole capture proves the worker is in
        try:
            requests.get(f"{BASE}/healthz", timeout=2)
            warm = Outcome()
            capture_flow(warm)
            if warm.latencies_ms:
                return processes
        except requests.RequestException:
            pass
        time.sleep(0.5)
    stop(processes)
    raise SystemExit("gunicorn or the worker did not come up within 60 s")


def stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()


# --- The client: one logged-in session per thread -------------------------------------------

class Listener(threading.local):
    password = ""

    def session(self) -> tuple[requests.Session, str]:
        if not hasattr(self, "http"):
            self.http = requests.Session()
            page = self.http.get(f"{BASE}/accounts/login/", timeout=10).text
            self.http.post(f"{BASE}/accounts/login/", timeout=10, data={
                "username": "load", "password": self.password, "csrfmiddlewaretoken": TOKEN.search(page)[1]})
            self.token = TOKEN.search(self.http.get(f"{BASE}/capture/", timeout=10).text)[1]
        return self.http, self.token


LISTENER = Listener()


@dataclass
class Outcome:
    latencies_ms: list[float] = field(default_factory=list)
    accepted: list[int] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def capture_flow(outcome: Outcome) -> None:
    """Upload, poll the status JSON until done, then the songs page until it lists songs."""
    try:
        http, token = LISTENER.session()
        start = time.perf_counter()
        answer = http.post(f"{BASE}/capture/", files={"photo": ("me.jpg", PHOTO, "image/jpeg")},
                           data={"source": "upload"}, timeout=10,
                           headers={"Accept": "application/json", "X-CSRFToken": token, "Referer": BASE})
        if answer.status_code not in (201, 202):
            raise RuntimeError(f"upload answered {answer.status_code}")
        body = answer.json()
        with outcome.lock:
            outcome.accepted.append(body["id"])
        _until_songs(http, body, start)
        with outcome.lock:
            outcome.latencies_ms.append((time.perf_counter() - start) * 1000)
    except (requests.RequestException, RuntimeError, ValueError, KeyError, TypeError) as error:
        with outcome.lock:
            outcome.errors.append(f"{type(error).__name__}: {error}")


def _until_songs(http: requests.Session, body: dict, start: float) -> None:
    status_url = f"{BASE}{body['status_url']}"
    while body["pending"]:
        if time.perf_counter() - start > FLOW_TIMEOUT:
            raise RuntimeError("no result within the flow timeout")
        time.sleep(POLL_SECONDS)
        body = http.get(status_url, timeout=10).json()
    if body["status"] != "done":
        raise RuntimeError(f"capture ended {body['status']}")
    while " data-song " not in http.get(f"{BASE}{body['songs_url']}", timeout=10).text:
        if time.perf_counter() - start > FLOW_TIMEOUT:
            raise RuntimeError("no songs within the flow timeout")
        time.sleep(POLL_SECONDS)


def offered(rate: float, seconds: float) -> tuple[Outcome, float]:
    """Start one capture every 1/rate s for `seconds` (open loop); return the outcome and the wall time."""
    outcome, begin = Outcome(), time.perf_counter()
    with ThreadPoolExecutor(max_workers=64) as pool:
        for n in range(round(rate * seconds)):
            time.sleep(max(0.0, begin + n / rate - time.perf_counter()))
            pool.submit(capture_flow, outcome)
    return outcome, time.perf_counter() - begin


def single_user() -> Outcome:
    outcome = Outcome()
    for _ in range(SINGLE_RUNS):
        capture_flow(outcome)
    return outcome


# --- The run ---------------------------------------------------------------------------------

def ramp() -> tuple[float, list[list]]:
    """Offer rising rates for RAMP_SECONDS each; the knee is the last rate served without errors or a backlog."""
    knee, rows = RAMP_RATES[0], []
    for rate in RAMP_RATES:
        outcome, wall = offered(rate, RAMP_SECONDS)
        done = len(outcome.latencies_ms)
        p95 = p50_p95(outcome.latencies_ms)[1] if done else 0.0
        rows.append(row(f"ramp {rate}/s for {RAMP_SECONDS} s", outcome, wall))
        held = not outcome.errors and done == round(rate * RAMP_SECONDS) and wall < RAMP_SECONDS * 1.2 and p95 < 2000
        if not held:
            break
        knee = rate
    return knee, rows


def row(label: str, outcome: Outcome, wall: float) -> list:
    p50, p95 = p50_p95(outcome.latencies_ms) if outcome.latencies_ms else (float("nan"), float("nan"))
    return [label, f"{len(outcome.latencies_ms) / wall:.2f}", f"{p50:.0f} ms", f"{p95:.0f} ms",
            len(outcome.accepted), len(outcome.errors)]


def lost_after_drain(accepted: list[int], *, timeout: float = 120.0) -> tuple[int, dict]:
    """Wait until no accepted capture is pending; return how many did not end done, and the status counts."""
    deadline = time.monotonic() + timeout
    with psycopg.connect(f"{PG_ADMIN_URL}/{PG_DB}", autocommit=True) as db:
        while True:
            counts = dict(db.execute("SELECT status, count(*) FROM moods_moodcapture WHERE id = ANY(%s) "
                                     "GROUP BY status", (accepted,)).fetchall())
            pending = counts.get("queued", 0) + counts.get("analysing", 0)
            if not pending or time.monotonic() > deadline:
                break
            time.sleep(1)
        missing = len(accepted) - sum(counts.values())
    return len(accepted) - counts.get("done", 0), {**counts, **({"missing": missing} if missing else {})}


def load_targets(knee: int, outcome: Outcome, wall: float, lost: int, one: Outcome) -> dict:
    """Issue 15's load and one-user targets from this run (no baseline: the code before is not run here)."""
    sustained = len(outcome.latencies_ms) / wall
    p95 = p50_p95(outcome.latencies_ms)[1] if outcome.latencies_ms else float("inf")
    one_p50, one_p95 = p50_p95(one.latencies_ms) if one.latencies_ms else (float("inf"), float("inf"))
    why = ("not worked on beyond the per-stage changes: the page still polls the status JSON, and the stages' "
           "CPU on these 2 cores is shared with the load generator")
    return {"load": {"measured": f"{sustained:.1f}/s held (offered {knee}/s), p95 {p95:.0f} ms, "
                                 f"{len(outcome.errors)} errors, {lost} lost", "baseline": "",
                     "met": sustained >= 25 and p95 <= 500 and not outcome.errors and not lost, "why": why},
            "one-user-prod": {"measured": f"p50 {one_p50:.0f} ms, p95 {one_p95:.0f} ms", "baseline": "",
                              "met": one_p50 <= 70 and one_p95 <= 120, "why": why}}


def measure() -> tuple[list[list], list[str], dict]:
    knee, rows = ramp()
    time.sleep(5)  # let the ramp's last step drain before the sustained run
    outcome, wall = offered(knee, SUSTAIN_SECONDS)
    rows.append(row(f"sustained {knee}/s for {SUSTAIN_SECONDS} s", outcome, wall))
    lost, counts = lost_after_drain(outcome.accepted)
    one = single_user()
    rows.append(row(f"one user, {SINGLE_RUNS} captures in a row", one, sum(one.latencies_ms) / 1000 or 1))
    single_p95 = p50_p95(one.latencies_ms)[1] if one.latencies_ms else float("inf")
    notes = [f"Sustained run: {len(outcome.accepted)} uploads accepted, {len(outcome.errors)} errors, "
             f"{lost} lost (accepted but not `done` after the queue drained; statuses {counts}).",
             f"Goal for one user, p95 upload→songs ≤ 250 ms: {'met' if single_p95 <= 250 else 'NOT met'} "
             f"({single_p95:.0f} ms; the user already has every capture of the runs above).",
             *(f"error: {error}" for error in sorted(set(outcome.errors))[:5])]
    return rows, notes, load_targets(knee, outcome, wall, lost, one)


def main() -> None:
    scratch = Path(tempfile.mkdtemp(prefix="cloudscendo-load-"))
    env, Listener.password = server_env(scratch), secrets.token_urlsafe(32)
    prepare(env, LISTENER.password)
    processes = start(env)
    try:
        rows, notes, targets = measure()
    finally:
        stop(processes)
        with psycopg.connect(f"{PG_ADMIN_URL}/postgres", autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
        shutil.rmtree(scratch, ignore_errors=True)  # the uploaded photos
    emit("Load: photo uploads to songs on screen (gunicorn + Celery, PostgreSQL, Redis)",
         ["what", "captures/s done", "p50 upload→songs", "p95 upload→songs", "accepted", "errors"], rows, [
             *notes,
             f"gunicorn {WEB_WORKERS} sync workers, one Celery worker process (prefork, concurrency "
             f"{CELERY_CONCURRENCY}), the load generator: all on the machine's 2 cores, over loopback.",
             "Production settings (DEBUG=0, PostgreSQL, Redis broker and cache, local emotion model and search) "
             "but plain HTTP on 127.0.0.1:8450: SECURE_SSL_REDIRECT=0 and cookies without Secure for this run.",
             f"A capture: POST /capture/ (the 512x512 astronaut JPEG), poll /captures/<id>/status every "
             f"{POLL_SECONDS * 1000:.0f} ms until done, then GET the songs page until it lists songs; one "
             "load-test user with a random 43-character password; open-loop arrivals.",
             f"Ramp: {RAMP_SECONDS} s per rate, stopped at the first rate with an error, a backlog or p95 > 2 s; "
             "the sustained rate is the last one held. Scratch database cs_security_load, dropped afterwards.",
         ], targets)


if __name__ == "__main__":
    main()
