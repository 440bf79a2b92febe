"""Shared test wiring: service checks, a real Celery worker process, a real browser.

Tests marked `postgres`, `redis` or `browser` skip with the reason when that
service is missing, and fail instead when REQUIRE_SERVICES=1 / REQUIRE_BROWSER=1.
"""

import contextlib
import functools
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parent
SHARED_DATA = Path(os.environ.get("SHARED_DATA", ROOT.parent / "shared" / "data"))


def _redis_url_of_this_worker(url: str) -> str:
    """Under pytest-xdist (`make test` runs two), each worker its own Redis database (15, 14, ...): the tests
    flush theirs, which must not pull the keys from under the other worker's tests."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker.startswith("gw"):
        return url
    base, _, db = url.rpartition("/")
    return f"{base}/{int(db) - int(worker[2:])}"


TEST_REDIS_URL = _redis_url_of_this_worker(os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15"))
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = ROOT / "artifacts"
# Headless Chromium without a sandbox (we run as root) and without any of its
# own network traffic: this machine reaches no outside host.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


def _reachable(url: str) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname, parsed.port), timeout=1):
            return True
    except OSError:
        return False


@functools.cache
def _missing(marker: str) -> str | None:
    """Why the service behind a marker cannot be used here, or None when it can."""
    from django.db import connection

    if marker == "postgres":
        if connection.vendor != "postgresql":
            return "needs PostgreSQL: run through `make test`, which sets DATABASE_URL for this pass"
        url = f"postgres://{connection.settings_dict['HOST'] or '127.0.0.1'}:{connection.settings_dict['PORT'] or 5432}"
        return None if _reachable(url) else f"PostgreSQL is not reachable at {url}"
    if marker == "redis":
        return None if _reachable(TEST_REDIS_URL) else f"Redis is not reachable at {TEST_REDIS_URL}"
    if marker == "browser":
        return None if shutil.which(CHROMIUM) else f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    return None


def pytest_runtest_setup(item: pytest.Item) -> None:
    for marker, switch in (("postgres", "REQUIRE_SERVICES"), ("redis", "REQUIRE_SERVICES"),
                           ("browser", "REQUIRE_BROWSER")):
        if item.get_closest_marker(marker) and (reason := _missing(marker)):
            if os.environ.get(switch) == "1":
                pytest.fail(f"{reason} ({switch}=1)", pytrace=False)
            pytest.skip(reason)


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Each test stores files in its own folder, never in the developer's media/."""
    default = settings.STORAGES["default"]
    if default["BACKEND"].endswith("FileSystemStorage"):
        settings.MEDIA_ROOT = tmp_path / "media"
        options = {**default["OPTIONS"], "location": settings.MEDIA_ROOT}
        settings.STORAGES = {**settings.STORAGES, "default": {**default, "OPTIONS": options}}


@pytest.fixture(autouse=True)
def _empty_cache():
    """The per-process cache holds counters (log-in failures, quotas): no test sees another's."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.fail(f"the shared data folder is missing: {SHARED_DATA}")
    return SHARED_DATA


# --- A real Celery worker process on Redis --------------------------------------

def _database_url() -> str:
    from django.db import connection

    s = connection.settings_dict
    return f"postgres://{s['USER'] or 'postgres'}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


class WorkerProcess:
    """`celery worker` in a child process, sharing the test database through PostgreSQL."""

    def __init__(self, *, queues: str, env: dict[str, str], pool: str = "solo"):
        self.queues, self.env, self.pool, self.log = queues, env, pool, []
        self.ready = threading.Event()
        self.process: subprocess.Popen | None = None

    def start(self) -> "WorkerProcess":
        command = [sys.executable, "-m", "celery", "-A", "cloudscendo", "worker", "-P", self.pool, "-c", "1",
                   "-Q", self.queues, "--without-mingle", "--without-gossip", "-n", f"test-{os.getpid()}@%h",
                   "-l", "INFO"]
        self.process = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, text=True)
        threading.Thread(target=self._read, daemon=True).start()
        if not self.ready.wait(60):
            self.stop()
            pytest.fail("the Celery worker did not start:\n" + "".join(self.log[-40:]))
        return self

    def pool_pids(self) -> list[int]:
        """The pool's child processes (prefork), which run the tasks."""
        pid = self.process.pid
        return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]

    def _read(self) -> None:
        for line in self.process.stdout:
            self.log.append(line)
            if " ready." in line:
                self.ready.set()

    def stop(self, sig: int | None = None) -> None:
        if self.process and self.process.poll() is None:
            if sig is None:
                self.process.terminate()
            else:
                self.process.send_signal(sig)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


@pytest.fixture
def redis_broker_url() -> str:
    import redis

    redis.Redis.from_url(TEST_REDIS_URL).flushdb()
    return TEST_REDIS_URL


@pytest.fixture
def celery_worker_process(redis_broker_url, settings) -> Iterator:
    """Start real worker processes: `start(queues="analysis", pool="solo", **extra_env)`; all stop at the end.

    Without `queues` a worker consumes every queue, as the Procfile's does.
    """
    workers: list[WorkerProcess] = []

    def start(*, queues: str = ",".join(settings.TASK_QUEUES), pool: str = "solo", **extra_env: str) -> WorkerProcess:
        env = {**os.environ, "DATABASE_URL": _database_url(), "CELERY_BROKER_URL": redis_broker_url,
               "MEDIA_ROOT": str(settings.MEDIA_ROOT), **extra_env}
        workers.append(WorkerProcess(queues=queues, env=env, pool=pool).start())
        return workers[-1]

    yield start
    for worker in workers:
        worker.stop()


@pytest.fixture
def broker():
    """Point this process's Celery app at a real broker (tests otherwise run tasks in-process)."""
    from cloudscendo.celery import app

    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}

    def use(url: str) -> None:
        _drop_connections()
        app.conf.update(broker_url=url, task_always_eager=False)

    yield use
    _drop_connections()
    app.conf.update(saved)


def _drop_connections() -> None:
    from kombu import pools

    from cloudscendo.celery import app

    # The app's pools live in kombu's process-wide registry, keyed by URL: a pool closed
    # without leaving the registry would be handed out again, closed, to the next test.
    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


@contextlib.contextmanager
def table_locked(table: str) -> Iterator[int]:
    """Hold an ACCESS EXCLUSIVE lock on a table from a second PostgreSQL session, so a worker that
    reads it waits there: the way to catch a worker in the middle of a task without changing its code.

    Yields that session's backend pid."""
    import psycopg
    from django.db import connection

    s = connection.settings_dict
    with psycopg.connect(host=s["HOST"] or "127.0.0.1", port=s["PORT"] or 5432, user=s["USER"] or "postgres",
                         password=s["PASSWORD"] or None, dbname=s["NAME"]) as other:
        other.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")  # held until the transaction ends
        try:
            yield other.info.backend_pid
        finally:
            other.rollback()


def send_task(name: str, *, args: tuple = (), broker_url: str, queue: str | None = None) -> str:
    """Publish a task by name to a real broker (to its routed queue unless `queue` is given), eager or not.

    Returns the task id, which the worker's log lines name.
    """
    from celery.exceptions import AlwaysEagerIgnored
    from kombu import Connection

    from cloudscendo.celery import app

    with Connection(broker_url) as connection, warnings.catch_warnings():
        warnings.simplefilter("ignore", AlwaysEagerIgnored)  # the test settings are eager; this send is real
        return app.send_task(name, args=args, queue=queue, connection=connection).id


def wait_for(predicate, *, timeout: float = 20.0, interval: float = 0.1):
    """Poll until predicate() is truthy; return its value or fail the test."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := predicate():
            return value
        time.sleep(interval)
    pytest.fail(f"condition not met within {timeout} s")


# --- A real browser ----------------------------------------------------------------

@pytest.fixture
def browser_launcher(live_server) -> Iterator:
    """Open Playwright pages in Debian's headless Chromium: `launch(*extra_chromium_args)` returns a page."""
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the
    # test makes between page actions are still plain synchronous calls.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    outside: list[str] = []  # what a page asked of any other host; page.route() stand-ins answer first

    def refuse(route) -> None:
        outside.append(route.request.url)
        route.abort("blockedbyclient")

    with sync_playwright() as playwright, contextlib.ExitStack() as stack:
        def launch(*extra_args: str, allow_origins: tuple[str, ...] = ()):
            """allow_origins: other origins (scheme://host:port) this page may reach, e.g. a test's moto server."""
            allowed = (live_server.url, *(f"{origin}/" for origin in allow_origins))
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                                 args=[*CHROMIUM_ARGS, *extra_args])
            stack.callback(browser.close)
            context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
            stack.callback(context.close)
            context.route(lambda url: not url.startswith(allowed), refuse)
            page = context.new_page()
            page.set_default_timeout(10_000)
            return page

        yield launch
    assert outside == [], f"a page asked the network (tests stand in for outside services): {outside}"


@pytest.fixture
def browser_page(browser_launcher):
    """A Playwright page in Debian's headless Chromium, pointed at the live test server."""
    return browser_launcher()


def screenshot(page, name: str, *, full_page: bool = True) -> Path:
    """Save a screenshot (the whole page, or what is on screen) under artifacts/screenshots/ (git-ignored)."""
    path = ARTIFACTS / "screenshots" / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=full_page)
    return path


# What a player's frame says once it has loaded: Spotify's embed posts {type: "ready"}; YouTube's
# answers the page's "listening" message with its events. The machine is offline, so tests stand in
# for the two services at the network layer and assert on the frames' src, never on sound.
_READY_PAGES = {
    "spotify": "<!doctype html><script>parent.postMessage({type: 'ready'}, '*')</script>",
    "youtube": "<!doctype html><script>addEventListener('message', () => parent.postMessage("
               "JSON.stringify({event: 'onReady'}), '*'))</script>",
}
PLAYER_URLS = {"spotify": "https://open.spotify.com/embed/**", "youtube": "https://www.youtube-nocookie.com/embed/**"}


def _ready_page(body: str):
    return lambda route: route.fulfill(status=200, content_type="text/html", body=body)


def players_answer(page, *, spotify: bool = True, youtube: bool = True) -> None:
    """Serve each player's frame as a player that loads and says so (True), or fail its request (False)."""
    for provider, loads in (("spotify", spotify), ("youtube", youtube)):
        page.unroute(PLAYER_URLS[provider])
        if loads:
            page.route(PLAYER_URLS[provider], _ready_page(_READY_PAGES[provider]))
        else:
            page.route(PLAYER_URLS[provider], lambda route: route.abort("connectionrefused"))


def in_viewport(page, locator) -> bool:
    """Whether the element is wholly on screen where the page is scrolled now."""
    box, size = locator.bounding_box(), page.viewport_size
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= size["height"] and box["x"] >= 0 \
        and box["x"] + box["width"] <= size["width"]

