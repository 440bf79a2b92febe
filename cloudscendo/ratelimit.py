"""One rate limit shared by every process: a token bucket in Redis (CACHE_URL), or in this process without it.

The bucket holds one token and refills at `rate` tokens a second; it is kept in GCRA form, as the time
the next token is due, so a caller can reserve the next free slot and sleep until then instead of
polling. A call whose slot is further away than `max_wait` reserves nothing and gets RateLimited:
the caller retries later (a Celery retry) rather than holding a worker. One token, not a burst:
calls stay at most `rate` in any second, which is how AWS counts a TPS quota.
"""

import functools
import threading
import time

import redis
from django.conf import settings

# KEYS[1]: the bucket. ARGV[1]: tokens a second; ARGV[2]: the longest wait accepted, in seconds.
# Returns {1, slot, wait} with the reserved slot (Redis clock) and how long to wait for it, or
# {0, wait} when the wait is too long. One script, so concurrent callers never share a slot;
# Redis's own clock, so workers on several hosts agree on the time.
_TAKE = """
local rate = tonumber(ARGV[1])
local max_wait = tonumber(ARGV[2])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
local slot = tonumber(redis.call('GET', KEYS[1]) or '0')
if slot < now then slot = now end
local wait = slot - now
if wait > max_wait then return {0, tostring(wait)} end
redis.call('SET', KEYS[1], tostring(slot + 1 / rate), 'PX', math.ceil((wait + 1 / rate) * 1000) + 1000)
return {1, tostring(slot), tostring(wait)}
"""


class RateLimited(Exception):
    """The next free slot is further away than the caller would wait: try again later."""


class LimiterUnavailable(Exception):
    """The shared bucket (Redis) cannot be reached: whether a call is allowed is unknown."""


def slot_take(name: str, *, rate: float, max_wait: float) -> float:
    """Wait for this process's turn in the bucket `name` and return when it began (seconds since the epoch).

    Raises RateLimited when the turn is more than max_wait seconds away (nothing is reserved then),
    LimiterUnavailable when the shared bucket cannot be reached.
    """
    slot, wait = _reserve(f"ratelimit:{name}", rate, max_wait)
    if wait > 0:
        time.sleep(wait)
    return slot


def _reserve(key: str, rate: float, max_wait: float) -> tuple[float, float]:
    if not settings.CACHE_URL:
        return _local_bucket(key).reserve(rate, max_wait)
    try:
        answer = _script(settings.CACHE_URL)(keys=[key], args=[rate, max_wait])
    except redis.RedisError as error:
        raise LimiterUnavailable(f"the rate limit's Redis did not answer: {error}") from error
    if int(answer[0]) == 0:
        raise RateLimited(f"next slot in {float(answer[1]):.1f} s")
    return float(answer[1]), float(answer[2])


@functools.cache
def _script(url: str):
    client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
    return client.register_script(_TAKE)


class _LocalBucket:
    """The same bucket in one process (tasks run in-process when there is no CACHE_URL, nor a broker)."""

    def __init__(self):
        self.lock, self.slot = threading.Lock(), 0.0

    def reserve(self, rate: float, max_wait: float) -> tuple[float, float]:
        with self.lock:
            now = time.time()
            slot = max(self.slot, now)
            if slot - now > max_wait:
                raise RateLimited(f"next slot in {slot - now:.1f} s")
            self.slot = slot + 1 / rate
            return slot, slot - now


_local_buckets: dict[str, _LocalBucket] = {}
_local_buckets_lock = threading.Lock()


def _local_bucket(key: str) -> _LocalBucket:
    # Under a lock: two threads' first calls must not each make a bucket of their own.
    with _local_buckets_lock:
        return _local_buckets.setdefault(key, _LocalBucket())
