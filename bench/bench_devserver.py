"""`make run`, one user: captures over real HTTP against `manage.py runserver` (SQLite, tasks in-process).

Two development servers run side by side on one scratch SQLite database, as `make run` has it (DEBUG on,
no broker, no Redis, the default catalogue): ours (`manage.py runserver`, cloudscendo's command, which turns
Nagle's algorithm off) and Django's own (WhiteNoise's runserver over Django's, as before), each with a
listener of its own who logged in through the form. Captures alternate between the two, one at a time:
upload, status until done, songs page (bench/capture_client.py). CPU is the server process's, read
from /proc around each capture (the analysis and the list build run inside it).
"""

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
from capture_client import Outcome, capture_flow, visitor_logged_in
from common import ROOT, emit, p50_p95
from proc_cpu import tree_cpu

HOST = "127.0.0.1"
FIRST_PORT = int(os.environ.get("BENCH_DEV_PORT", "8462"))
PORTS = {"ours": FIRST_PORT, "django": FIRST_PORT + 1}
RUNS, WARMUP = 40, 2
# Django's development server as `make run` served it before: WhiteNoise's runserver command, imported by
# name, since `manage.py runserver` now finds ours first.
DJANGOS_RUNSERVER = """
import os, sys
sys.path.insert(0, os.getcwd())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cloudscendo.settings")
import django
django.setup()
from whitenoise.runserver_nostatic.management.commands.runserver import Command
Command().run_from_argv(["manage.py", "runserver", *sys.argv[1:]])
"""


def dev_env(scratch: Path) -> dict[str, str]:
    """`make run`'s environment: every variable at its default but where the files go."""
    unset = ("DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL", "DEBUG", "MEDIA_ROOT", "SECRET_KEY")
    return {**{key: value for key, value in os.environ.items() if key not in unset},
            "DATABASE_URL": f"sqlite:///{scratch / 'db.sqlite3'}", "MEDIA_ROOT": str(scratch / "media"),
            "ENV_FILE": str(scratch / "no.env"),
            # 80 captures in a few minutes from one listener: CAPTURE_RATE (30/min) would refuse most of them.
            "CAPTURE_RATE": "1000/min"}


def prepare(env: dict, passwords: dict[str, str]) -> None:
    for command in (("migrate", "--no-input"), ("load_default_catalogue",)):
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True, capture_output=True)
    create = ("import os; from accounts.models import User\n"
              "for name in os.environ['NAMES'].split(','): User.objects.create_user(name, password=os.environ[name])")
    subprocess.run([sys.executable, "manage.py", "shell", "-c", create], cwd=ROOT, check=True, capture_output=True,
                   env={**env, **passwords, "NAMES": ",".join(passwords)})


def start(env: dict) -> dict[str, subprocess.Popen]:
    # --noreload: one process serves, so its CPU is the server's (make run's reloader only watches files).
    commands = {"ours": [sys.executable, "manage.py", "runserver"],
                "django": [sys.executable, "-c", DJANGOS_RUNSERVER]}
    servers = {name: subprocess.Popen([*command, f"{HOST}:{PORTS[name]}", "--noreload"], cwd=ROOT, env=env,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
               for name, command in commands.items()}
    deadline = time.monotonic() + 60
    for name in servers:
        while True:
            try:
                requests.get(f"http://{HOST}:{PORTS[name]}/healthz", timeout=2)
                break
            except requests.RequestException:
                if time.monotonic() > deadline:
                    raise SystemExit(f"runserver ({name}) did not answer within 60 s") from None
                time.sleep(0.3)
    return servers


def measure(servers: dict[str, subprocess.Popen], passwords: dict[str, str]) -> dict[str, dict]:
    visitors = {name: visitor_logged_in(f"http://{HOST}:{PORTS[name]}", name, passwords[name]) for name in servers}
    results = {name: {"outcome": Outcome(), "cpu": 0.0} for name in servers}
    for _ in range(WARMUP):
        for name in servers:
            capture_flow(visitors[name], Outcome())
    for run in range(RUNS):
        for name in list(servers) if run % 2 == 0 else list(servers)[::-1]:  # who goes first alternates
            before = tree_cpu(servers[name].pid)
            capture_flow(visitors[name], results[name]["outcome"])
            results[name]["cpu"] += tree_cpu(servers[name].pid) - before
    return results


def main() -> None:
    scratch = Path(tempfile.mkdtemp(prefix="cloudscendo-devserver-"))
    env = dev_env(scratch)
    passwords = {name: os.urandom(16).hex() for name in PORTS}
    try:
        prepare(env, passwords)
        servers = start(env)
        try:
            results = measure(servers, passwords)
        finally:
            for server in servers.values():
                server.terminate()
                server.wait(30)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    rows, figures = [], {}
    for name, label in (("ours", "ours: manage.py runserver, Nagle off"),
                        ("django", "before: Django's runserver (WhiteNoise's)")):
        outcome = results[name]["outcome"]
        p50, p95 = p50_p95(outcome.latencies_ms) if outcome.latencies_ms else (float("nan"), float("nan"))
        cpu = results[name]["cpu"] * 1000 / max(len(outcome.accepted), 1)  # /proc counts in 10 ms ticks: a mean
        figures[name] = (p50, p95, cpu)
        rows.append([label, f"{p50:.0f} ms", f"{p95:.0f} ms", f"{cpu:.1f} ms", len(outcome.latencies_ms),
                     len(outcome.errors), outcome.songs_late])
    (p50, p95, cpu), (before50, before95, before_cpu) = figures["ours"], figures["django"]
    why = ("the rest is the server's own work on a busy 2-core machine: the reading and the list build run in "
           "the request, one process, DEBUG on (the server's CPU per capture is beside it)")
    targets = {"one-user-dev": {"measured": f"p50 {p50:.0f} ms, p95 {p95:.0f} ms (server CPU {cpu:.1f} ms a capture)",
                                "baseline": f"p50 {before50:.0f} ms, p95 {before95:.0f} ms (server CPU "
                                            f"{before_cpu:.1f} ms a capture)",
                                "met": p95 <= 150 and not results["ours"]["outcome"].errors, "why": why}}
    emit("make run, one user: upload to songs over HTTP on the development server",
         ["server", "p50 upload→songs", "p95 upload→songs", "server CPU per capture (mean)", "captures", "errors",
          "done before its songs"], rows, [
             f"{RUNS} captures per server after {WARMUP} each to warm up, the two servers taking turns (who goes "
             "first alternates), one capture at a time; the astronaut JPEG; each server's own listener.",
             "`make run`'s settings (but CAPTURE_RATE raised to 1000/min, so one listener's captures in a row are "
             "not refused): DEBUG on, SQLite, no broker (the analysis and the first list run in the "
             "upload's request, after commit), no Redis, the default catalogue (20,179 songs); runserver with "
             "--noreload so one process serves.",
             "Why the two differ: Django's development server writes a response's headers and body in two "
             "sends; with Nagle's algorithm on, the body waits for the client's delayed ACK of the headers "
             "(40 ms on Linux) on every response of a kept-alive connection. Ours sets TCP_NODELAY on each "
             "connection (cloudscendo/management/commands/runserver.py).",
             *(f"error: {error}" for name in results for error in sorted(set(results[name]["outcome"].errors))[:3]),
         ], targets)


if __name__ == "__main__":
    main()
