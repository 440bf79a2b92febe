"""A private redis-server the fault tests can stop and start again, as an outage does.

The shared test Redis (TEST_REDIS_URL) serves other tests at the same time, so it is never stopped;
this one listens on its own port, keeps nothing on disk, and is stopped when the test ends.
"""

import os
import shutil
import socket
import subprocess
import time

import pytest

REDIS_SERVER = os.environ.get("REDIS_SERVER_PATH", "/usr/bin/redis-server")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    def __init__(self):
        self.port = _free_port()
        self.process: subprocess.Popen | None = None

    def url(self, db: int) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> "RedisServer":
        self.process = subprocess.Popen([REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                                         "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self
            except OSError:
                time.sleep(0.05)
        self.stop()
        pytest.fail(f"redis-server did not start on port {self.port}")

    def maxmemory(self, limit: int) -> None:
        """CONFIG SET maxmemory: 1 byte makes a full Redis that refuses every write (OOM), 0 lifts the limit."""
        import redis

        redis.Redis(port=self.port).config_set("maxmemory", limit)

    def stop(self) -> None:
        """Shut the server down: open connections drop, new ones are refused."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


def redis_server_missing() -> str | None:
    if shutil.which(REDIS_SERVER):
        return None
    return f"redis-server not found at {REDIS_SERVER} (apt-get install redis-server)"
