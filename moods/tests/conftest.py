import threading

import pytest
from kombu import pools

from cloudscendo.celery import app
from moods.tests.rekognition_server import FakeRekognition


@pytest.fixture
def fake_rekognition():
    """Start FakeRekognition servers: `start(answers, stall_first=False)`; all are closed at the end."""
    servers = []

    def start(answers: list[tuple[int, dict]], *, stall_first: bool = False) -> FakeRekognition:
        servers.append(FakeRekognition(answers, stall_first=stall_first))
        threading.Thread(target=servers[-1].serve_forever, daemon=True).start()
        return servers[-1]

    yield start
    for server in servers:
        server.close()


@pytest.fixture
def broker():
    """Point this process's Celery app at a real broker (tests otherwise run tasks in-process)."""
    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}

    def use(url: str) -> None:
        _drop_connections()
        app.conf.update(broker_url=url, task_always_eager=False)

    yield use
    _drop_connections()
    app.conf.update(saved)


def _drop_connections() -> None:
    # The app's pools live in kombu's process-wide registry, keyed by URL: a pool closed
    # without leaving the registry would be handed out again, closed, to the next test.
    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None
