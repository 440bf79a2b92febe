import threading

import pytest

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
