"""The commands the image runs (Dockerfile, compose.yaml, the ECS task definitions) agree, and each one
really starts here, through the image's entry point, on this machine's Python, PostgreSQL-free (SQLite)
and on the test Redis."""

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path

import pytest
import yaml
from cloudscendo_infra.services import BEAT_COMMAND, MIGRATE_COMMAND, WORKER_COMMAND

ROOT = Path(__file__).resolve().parents[2]
ENTRYPOINT = ["python", "/app/infra/container/entrypoint.py"]
ALL_QUEUES = "analysis,recommendations,videos,celery"


def _dockerfile(instruction: str) -> list[str]:
    lines = [line for line in (ROOT / "Dockerfile").read_text().splitlines() if line.startswith(f"{instruction} ")]
    return json.loads(lines[-1].removeprefix(f"{instruction} "))  # the final stage's exec form


def _compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())["services"]


def test_compose_and_ecs_run_the_same_commands_as_the_image():
    services = _compose()
    assert _dockerfile("ENTRYPOINT") == ENTRYPOINT
    assert _dockerfile("CMD") == ["gunicorn", "--config", "gunicorn.conf.py", "--bind", "0.0.0.0:8000",
                                  "cloudscendo.wsgi"]
    assert "command" not in services["web"]  # the image's CMD, as on ECS
    assert services["worker"]["command"] == [*WORKER_COMMAND, ALL_QUEUES]
    assert services["beat"]["command"] == BEAT_COMMAND
    assert services["migrate"]["command"] == MIGRATE_COMMAND
    assert sorted(services) == ["beat", "migrate", "postgres", "redis", "web", "worker"]


class Process:
    """One of the image's commands in a child process, run through the entry point as the image does."""

    def __init__(self, command: list[str], env: dict[str, str]) -> None:
        self.log: list[str] = []
        self.seen = threading.Condition()
        self.process = subprocess.Popen(
            [sys.executable, str(ROOT / "infra/container/entrypoint.py"), *command], cwd=ROOT, env=env,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            with self.seen:
                self.log.append(line)
                self.seen.notify_all()

    def wait_for_line(self, text: str, timeout: float = 90) -> None:
        with self.seen:
            found = self.seen.wait_for(
                lambda: any(text in line for line in self.log) or self.process.poll() is not None, timeout)
        if not found or not any(text in line for line in self.log):
            self.stop()
            pytest.fail(f"no line with {text!r}:\n" + "".join(self.log[-40:]))

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
        return self.process.wait()


@pytest.fixture
def image_env(tmp_path) -> dict[str, str]:
    """compose.yaml's settings for the app, with this machine's SQLite file and the test Redis."""
    from conftest import TEST_REDIS_URL

    env = {key: str(value) for key, value in _compose()["web"]["environment"].items()}
    env.update({
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}", "SECRET_KEY": "test-only",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "CELERY_BROKER_URL": TEST_REDIS_URL,
        "CACHE_URL": TEST_REDIS_URL, "MEDIA_ROOT": str(tmp_path / "media"), "HOME": str(tmp_path),
    })
    return env


def test_migrate_command_creates_the_schema(image_env, tmp_path):
    result = subprocess.run([sys.executable, str(ROOT / "infra/container/entrypoint.py"), *MIGRATE_COMMAND],
                            cwd=ROOT, env=image_env, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    import sqlite3

    with sqlite3.connect(tmp_path / "db.sqlite3") as db:
        applied = {app for (app,) in db.execute("SELECT DISTINCT app FROM django_migrations")}
    assert {"accounts", "moods", "music", "cloudscendo"} <= applied


@pytest.mark.redis
def test_worker_command_starts_and_stops_cleanly(image_env):
    process = Process([*WORKER_COMMAND, "celery"], image_env)
    process.wait_for_line(" ready.")
    assert process.stop() == 0, "".join(process.log[-20:])


@pytest.mark.redis
def test_beat_command_sends_its_due_tasks_to_the_broker(image_env):
    import redis

    from conftest import wait_for

    broker = redis.Redis.from_url(image_env["CELERY_BROKER_URL"])
    broker.delete("celery")

    def sent_tasks() -> set[str]:
        return {json.loads(message)["headers"]["task"] for message in broker.lrange("celery", 0, -1)}

    process = Process(BEAT_COMMAND, image_env)
    try:
        process.wait_for_line("Scheduler: Sending due task worker-heartbeat")
        tasks = wait_for(lambda: (found := sent_tasks()) and "cloudscendo.tasks.worker_heartbeat_task" in found
                         and found)
    finally:
        # Not its exit code: celery beat 5.7 stopped right after a tick may report "invalid operation
        # on closed shelf" while closing its schedule file, which it re-creates on the next start.
        process.stop()
    assert "cloudscendo.tasks.worker_heartbeat_task" in tasks


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.redis
def test_web_command_serves_the_site(image_env):
    if not (ROOT / "gunicorn.conf.py").exists():
        pytest.skip("gunicorn.conf.py (issue 13's request limits) is not in this tree yet; the image's CMD uses it")
    port = _free_port()
    command = [part if part != "0.0.0.0:8000" else f"127.0.0.1:{port}" for part in _dockerfile("CMD")]
    subprocess.run([sys.executable, str(ROOT / "infra/container/entrypoint.py"), *MIGRATE_COMMAND], cwd=ROOT,
                   env=image_env, check=True, capture_output=True, timeout=300)
    process = Process(command, image_env)
    try:
        process.wait_for_line("Booting worker")
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/livez", timeout=10) as answer:
            assert answer.status == 200
    finally:
        process.stop()
