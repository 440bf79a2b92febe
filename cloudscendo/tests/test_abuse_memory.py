"""Denial of service against a real gunicorn process (our gunicorn.conf.py): big bodies, pixel floods, headers.

Each test measures the serving worker's peak resident memory (VmHWM in /proc) after the attack: the
issue's 1 GB upload took 1.15 GB, its 6320x6320 PNG 420 MB. The bodies are streamed from here
(1 MiB at a time) and the PNG is compressed row by row, so this process never holds them either.
"""

import os
import select
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from accounts import services
from accounts.tests.factories import UserFactory
from conftest import ROOT, _database_url
from moods.models import MoodCapture
from moods.photos import too_many_pixels
from moods.tests.images import pixel_flood_png

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

PEAK_LIMIT_KB = 200 * 1024  # issue 13: the serving process stays under 200 MB
GIGABYTE = 1 << 30


class Server:
    """`gunicorn -c gunicorn.conf.py` with one sync worker, as the Procfile starts it (without TLS)."""

    def __init__(self, *, env: dict[str, str]):
        self.port = _free_port()
        command = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "cloudscendo.wsgi", "--bind",
                   f"127.0.0.1:{self.port}", "--workers", "1"]
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.PIPE, text=True)

    def wait_ready(self) -> None:
        from conftest import wait_for

        wait_for(self._answers, timeout=60)

    def _answers(self) -> bool:
        if self.process.poll() is not None:
            pytest.fail("gunicorn stopped:\n" + self.process.stderr.read())
        try:
            socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
        except OSError:
            return False
        return bool(self.worker_pids())

    def worker_pids(self) -> list[int]:
        pid = self.process.pid
        return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]

    def peak_kb(self) -> int:
        """The worker's peak resident memory so far (the kernel's high-water mark)."""
        status = Path(f"/proc/{self.worker_pids()[0]}/status").read_text()
        return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:")))

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def server(settings) -> Iterator[Server]:
    env = {**os.environ, "DATABASE_URL": _database_url(), "MEDIA_ROOT": str(settings.MEDIA_ROOT), "DEBUG": "1"}
    env.pop("CELERY_BROKER_URL", None)  # nothing is accepted here, so nothing is ever queued
    running = Server(env=env)
    try:
        running.wait_ready()
        yield running
    finally:
        running.stop()


def _send(port: int, head: str, body: Iterator[bytes]) -> bytes:
    """Send a request, its body chunk by chunk, stopping as soon as the server answers; return the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as connection:
        connection.sendall(head.encode())
        try:
            for chunk in body:
                if select.select([connection], [], [], 0)[0]:
                    break  # the server has answered (or closed) before reading it all
                connection.sendall(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass  # it closed the connection on the rest of the body: its answer is already here
        return _answer(connection)


def _answer(connection: socket.socket) -> bytes:
    """Everything the server sent until it closed (each answer here ends with `Connection: close`)."""
    answer = b""
    try:
        while part := connection.recv(65536):
            answer += part
    except ConnectionResetError:
        pass  # a close with our unread body still queued on its side resets, after its answer
    return answer


def _status(answer: bytes) -> int:
    return int(answer.split(b" ", 2)[1])


PART_HEAD = (b'--b\r\nContent-Disposition: form-data; name="photo"; filename="big.jpg"\r\n'
             b"Content-Type: image/jpeg\r\n\r\n")
PART_TAIL = b"\r\n--b--\r\n"


def _photo_part_of(size: int) -> Iterator[bytes]:
    """A well-formed multipart body whose photo is `size` bytes, made 1 MiB at a time."""
    yield PART_HEAD
    chunk = b"\xff" * (1 << 20)
    for _ in range(size // len(chunk)):
        yield chunk
    yield PART_TAIL


def _post(server: Server, *, token: str, content_type: str, length: int, body: Iterator[bytes]) -> bytes:
    head = (f"POST /api/captures/ HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Token {token}\r\n"
            f"Content-Type: {content_type}\r\nContent-Length: {length}\r\n\r\n")
    return _send(server.port, head, body)


def _warm_up(server: Server, token: str) -> None:
    # Django loads its views on the first request: the peak below is then the attack's, not the start's.
    answer = _send(server.port, f"GET /api/me/ HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Token {token}\r\n"
                                "Connection: close\r\n\r\n", iter(()))
    assert _status(answer) == 200


def _nothing_saved(media: Path) -> None:
    assert not MoodCapture.objects.exists()
    assert [path for path in media.rglob("*") if path.is_file()] == []


def test_a_1_gb_upload_is_refused_from_its_length_and_the_worker_stays_small(server, settings):
    token = services.api_token_create(user=UserFactory())
    _warm_up(server, token)

    answer = _post(server, token=token, content_type="multipart/form-data; boundary=b",
                   length=len(PART_HEAD) + GIGABYTE + len(PART_TAIL), body=_photo_part_of(GIGABYTE))

    peak = server.peak_kb()
    print(f"1 GB body: worker peak {peak / 1024:.0f} MB")
    assert _status(answer) == 413
    assert answer.endswith(b'{"detail": "The request is larger than 11 MB.", "code": "too_large"}')
    assert peak < PEAK_LIMIT_KB
    _nothing_saved(settings.MEDIA_ROOT)


def test_a_png_pixel_flood_is_refused_before_decoding_and_the_worker_stays_small(server, settings):
    token = services.api_token_create(user=UserFactory())
    _warm_up(server, token)
    png = pixel_flood_png()
    body = PART_HEAD + png + PART_TAIL

    answer = _post(server, token=token, content_type="multipart/form-data; boundary=b", length=len(body),
                   body=iter((body,)))

    peak = server.peak_kb()
    print(f"{len(png)} B PNG of 6320x6320: worker peak {peak / 1024:.0f} MB")
    assert len(png) < 200_000
    assert _status(answer) == 400
    assert too_many_pixels(settings.UPLOAD_MAX_PIXELS).encode() in answer
    assert peak < PEAK_LIMIT_KB
    _nothing_saved(settings.MEDIA_ROOT)


def test_too_many_headers_are_refused_by_gunicorn_before_django(server):
    headers = "".join(f"X-Padding-{n}: {n}\r\n" for n in range(60))  # gunicorn.conf.py allows 50

    answer = _send(server.port, f"GET /api/me/ HTTP/1.1\r\nHost: 127.0.0.1\r\n{headers}\r\n", iter(()))

    assert _status(answer) == 431
    assert b"limit request headers fields" in answer
