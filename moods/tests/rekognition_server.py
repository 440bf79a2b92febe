"""A stand-in for Rekognition's endpoint over real HTTP, for tests with a real worker process.

botocore in the worker reaches it through AWS_ENDPOINT_URL_REKOGNITION, so the
production adapter, botocore's retries and Celery's retries all run unchanged.
"""

import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# cloudscendo/aws.py sets botocore's retries={"max_attempts": 3}: in botocore's Config that counts
# retries after the first request, so one task run makes 4 calls.
CALLS_PER_RUN = 4
# An AWS JSON 1.1 error: botocore reads the code from `__type` (Rekognition API reference, "Errors").
THROTTLED = (400, {"__type": "ThrottlingException", "message": "Rate exceeded"})
ACCESS_DENIED = (400, {"__type": "AccessDeniedException", "message": "User is not authorized"})
HAPPY = (200, {"FaceDetails": [{"BoundingBox": {"Left": 0.3, "Top": 0.1, "Width": 0.2, "Height": 0.25},
                                "Emotions": [{"Type": "HAPPY", "Confidence": 91.0},
                                             {"Type": "CALM", "Confidence": 9.0}]}]})


class FakeRekognition(ThreadingHTTPServer):
    """DetectFaces answering from a script (the last answer repeats).

    With stall_first the first request gets no answer until the server shuts
    down, so a test can catch a worker in the middle of a task.
    """

    daemon_threads = True

    def __init__(self, answers: list[tuple[int, dict]], *, stall_first: bool = False):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.answers, self.calls, self.stall_first = answers, 0, stall_first
        self.released = threading.Event()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_port}"

    def next_answer(self) -> tuple[int, dict]:
        self.calls += 1
        if self.stall_first and self.calls == 1:
            self.released.wait(60)
        return self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]

    def handle_error(self, request, client_address) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):  # a killed worker hung up: expected
            super().handle_error(request, client_address)

    def close(self) -> None:
        self.released.set()
        self.shutdown()
        self.server_close()


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        status, body = self.server.next_answer()
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/x-amz-json-1.1")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args) -> None:
        pass


def rekognition_env(server: FakeRekognition, **extra: str) -> dict[str, str]:
    """A worker's environment for EMOTION_BACKEND=rekognition on this server, with 1-second retry backoff."""
    # botocore reads a per-service endpoint from AWS_ENDPOINT_URL_<SERVICE>.
    return {"EMOTION_BACKEND": "rekognition", "AWS_REGION": "eu-west-1", "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing", "AWS_ENDPOINT_URL_REKOGNITION": server.url,
            "CAPTURE_RETRY_BACKOFF_SECONDS": "1", **extra}
