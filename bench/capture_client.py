"""The HTTP client of the benches that drive a running server: a signed-in visitor, and one capture as the page
makes it (upload, wait for the status to say done, then the songs page), timed from the upload to the songs.

The status is asked with ?wait= (a long poll, /work/briefs/contract.md): a server that holds the request answers
once the capture is no longer pending; one without it answers at once, and the client then polls every
POLL_SECONDS. "done" means the songs are ready, so the songs page is read once, as the proof; a server where
done came first is read again until it lists songs, and the flow counts as `songs_late`.
"""

import re
import sys
import threading
import time
from dataclasses import dataclass, field

import requests
from common import ROOT

sys.path.insert(0, str(ROOT))
from moods.tests.images import astronaut_jpeg

PHOTO = astronaut_jpeg()
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
FLOW_TIMEOUT = 30.0  # one capture that takes longer counts as an error
LONG_POLL_SECONDS = 25  # what the page's script asks for; the server caps it (CAPTURE_STATUS_MAX_WAIT)
POLL_SECONDS = 0.02  # between polls, when a pending answer came back at once (a server without long polls)
SONG = " data-song "  # on every song of the songs page (templates/music/_song.html)


@dataclass
class Visitor:
    """A signed-in browser: its cookies on a kept-alive connection, and the CSRF token of its capture page."""

    base: str
    http: requests.Session
    token: str = ""


def visitor_with_session(base: str, session_key: str) -> Visitor:
    """A visitor carrying a session made on the server (no password hash per visitor: see bench_load)."""
    http = requests.Session()
    http.cookies.set("sessionid", session_key)
    return _capture_page_read(Visitor(base, http))


def visitor_logged_in(base: str, username: str, password: str) -> Visitor:
    """A visitor that logged in through the log-in form, as a person does."""
    http = requests.Session()
    page = http.get(f"{base}/accounts/login/", timeout=10).text
    http.post(f"{base}/accounts/login/", timeout=10, data={
        "username": username, "password": password, "csrfmiddlewaretoken": TOKEN.search(page)[1]})
    return _capture_page_read(Visitor(base, http))


def _capture_page_read(visitor: Visitor) -> Visitor:
    page = visitor.http.get(f"{visitor.base}/capture/", timeout=10)
    found = TOKEN.search(page.text)
    if page.status_code != 200 or not found:
        raise RuntimeError(f"the capture page answered {page.status_code} without a form: not signed in?")
    visitor.token = found[1]
    return visitor


@dataclass
class Outcome:
    latencies_ms: list[float] = field(default_factory=list)
    accepted: list[int] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    status_requests: int = 0  # status JSON requests, all flows together
    songs_late: int = 0  # flows whose songs page had no songs yet when the status said done
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, **counts: int) -> None:
        with self.lock:
            for name, value in counts.items():
                setattr(self, name, getattr(self, name) + value)


def capture_flow(visitor: Visitor, outcome: Outcome) -> None:
    """Upload the photo, wait for done, read the songs page; record the time or the error in outcome."""
    try:
        start = time.perf_counter()
        answer = visitor.http.post(
            f"{visitor.base}/capture/", files={"photo": ("me.jpg", PHOTO, "image/jpeg")},
            data={"source": "upload"}, timeout=10,
            headers={"Accept": "application/json", "X-CSRFToken": visitor.token, "Referer": visitor.base})
        if answer.status_code not in (201, 202):
            raise RuntimeError(f"upload answered {answer.status_code}")
        body = answer.json()
        with outcome.lock:
            outcome.accepted.append(body["id"])
        body = _until_done(visitor, body, start, outcome)
        _songs_read(visitor, body, start, outcome)
        with outcome.lock:
            outcome.latencies_ms.append((time.perf_counter() - start) * 1000)
    except (requests.RequestException, RuntimeError, ValueError, KeyError, TypeError) as error:
        with outcome.lock:
            outcome.errors.append(f"{type(error).__name__}: {error}")


def _until_done(visitor: Visitor, body: dict, start: float, outcome: Outcome) -> dict:
    status_url = f"{visitor.base}{body['status_url']}?wait={LONG_POLL_SECONDS}"
    while body["pending"]:
        if time.perf_counter() - start > FLOW_TIMEOUT:
            raise RuntimeError("no result within the flow timeout")
        asked = time.perf_counter()
        body = visitor.http.get(status_url, timeout=LONG_POLL_SECONDS + 10).json()
        outcome.add(status_requests=1)
        if body["pending"] and time.perf_counter() - asked < 1:  # answered at once: no long poll here
            time.sleep(POLL_SECONDS)
    if body["status"] != "done":
        raise RuntimeError(f"capture ended {body['status']}")
    return body


def _songs_read(visitor: Visitor, body: dict, start: float, outcome: Outcome) -> None:
    songs_url = f"{visitor.base}{body['songs_url']}"
    if SONG in visitor.http.get(songs_url, timeout=10).text:
        return
    outcome.add(songs_late=1)
    while SONG not in visitor.http.get(songs_url, timeout=10).text:
        if time.perf_counter() - start > FLOW_TIMEOUT:
            raise RuntimeError("no songs within the flow timeout")
        time.sleep(POLL_SECONDS)
