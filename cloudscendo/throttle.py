"""Fixed-window attempt counters in the cache: the one place every door's throttle counts.

An attempt is counted *before* the work it guards (an atomic add-then-incr), so parallel
requests cannot all slip past a limit that is only checked before counting: with a limit
of 5, 40 parallel guesses get 5 password checks, not 40.
"""

import contextlib
import hashlib

from django.core.cache import cache
from rest_framework.throttling import BaseThrottle

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}  # DRF's rate letters: 10/s, 30/min, 500/hour, 1000/day


def rate_parse(rate: str) -> tuple[int, int]:
    """("30/min") -> (30, 60): how many attempts in how many seconds (settings checked the shape)."""
    number, _, period = rate.partition("/")
    return int(number), PERIODS[period[0]]


def key(scope: str, ident: str) -> str:
    # Hashed: an identity can be user input (a user name, an e-mail), and cache keys must be short and plain.
    return f"throttle:{scope}:{hashlib.sha256(ident.encode()).hexdigest()[:40]}"


def hit(counter: str, *, limit: int, window: int) -> bool:
    """Count one attempt on `counter`; whether it is within `limit` for the window that began at its first."""
    cache.add(counter, 0, timeout=window)
    try:
        count = cache.incr(counter)
    except ValueError:  # the window ended between add() and incr(): this attempt starts the next one
        cache.add(counter, 1, timeout=window)
        count = 1
    return count <= limit


def give_back(counter: str) -> None:
    """Uncount one attempt (a good log-in is no failure); nothing when the window has ended."""
    with contextlib.suppress(ValueError):
        cache.decr(counter)


def forget(counter: str) -> None:
    cache.delete(counter)


class CacheRateThrottle(BaseThrottle):
    """A DRF throttle on `hit()`: subclasses name the scope, the rate and whose attempts count."""

    scope = ""

    def get_rate(self) -> str:
        raise NotImplementedError

    def ident(self, request) -> str:
        raise NotImplementedError

    def allow_request(self, request, view) -> bool:
        limit, self.window = rate_parse(self.get_rate())
        return hit(key(self.scope, self.ident(request)), limit=limit, window=self.window)

    def wait(self) -> int:
        return self.window  # at most a window: the counter began at the window's first attempt
