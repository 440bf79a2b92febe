"""A capture's end (done, no face, failed) told to whoever waits on it, through the cache's Redis (pub/sub).

The page's status request waits here (a long poll) instead of asking again on a timer. With no Redis
configured (`make run`) tasks run in-process, so a capture has ended before its upload answers and
nobody waits; with Redis down, a waiter re-checks the database every RECHECK_SECONDS instead.
"""

import contextlib
import logging
import threading
import time
from collections.abc import Iterator

import redis
from django.conf import settings
from redis import exceptions as redis_errors

logger = logging.getLogger(__name__)

# Without Redis a waiter re-reads the capture this often: a few cheap queries a second, no error.
RECHECK_SECONDS = 0.5
REDIS_DOWN = (redis_errors.ConnectionError, redis_errors.TimeoutError)

_client_lock = threading.Lock()
_clients: dict[str, redis.Redis] = {}


def _client() -> redis.Redis | None:
    # One client (and connection pool) per process and URL; none without CACHE_URL.
    url = settings.CACHE_URL
    if not url:
        return None
    with _client_lock:
        if url not in _clients:
            _clients[url] = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
        return _clients[url]


def _channel(capture_id: int) -> str:
    return f"cloudscendo:capture-ended:{capture_id}"


def capture_ended_publish(capture_id: int) -> None:
    """Wake whoever waits on this capture (call after the commit that ended it); Redis down is logged, not raised."""
    client = _client()
    if client is None:
        return
    try:
        client.publish(_channel(capture_id), b"1")
    except REDIS_DOWN as error:  # the waiters' re-checks still see the end, a little later
        logger.warning("capture %s ended but Redis could not be told: %s", capture_id, error)


class _Sleeper:
    """The waiter without Redis: it sleeps a little and lets the caller look again."""

    def wait(self, seconds: float) -> bool:
        time.sleep(min(seconds, RECHECK_SECONDS))
        return False


class _Subscriber:
    def __init__(self, pubsub) -> None:
        self._pubsub = pubsub

    def wait(self, seconds: float) -> bool:
        """True once the capture's end is published; False after `seconds`, or after a short sleep if Redis fails."""
        deadline = time.monotonic() + seconds
        try:
            while (left := deadline - time.monotonic()) > 0:
                if self._pubsub.get_message(ignore_subscribe_messages=True, timeout=left) is not None:
                    return True
        except REDIS_DOWN as error:
            logger.warning("waiting on a capture: Redis failed (%s), re-checking instead", error)
            return _Sleeper().wait(left)
        return False


@contextlib.contextmanager
def capture_ended_subscription(capture_id: int) -> Iterator[_Sleeper | _Subscriber]:
    """A waiter whose wait(seconds) returns True when this capture's end is published, else False after `seconds`
    (without Redis, after RECHECK_SECONDS at most). Enter it before reading the capture, so no end falls between."""
    client = _client()
    pubsub = None
    if client is not None:
        try:
            pubsub = client.pubsub()
            pubsub.subscribe(_channel(capture_id))
        except REDIS_DOWN as error:
            logger.warning("waiting on capture %s: Redis failed (%s), re-checking instead", capture_id, error)
            pubsub = _close(pubsub)
    try:
        yield _Subscriber(pubsub) if pubsub is not None else _Sleeper()
    finally:
        _close(pubsub)


def _close(pubsub) -> None:
    if pubsub is not None:
        with contextlib.suppress(*REDIS_DOWN):
            pubsub.close()
