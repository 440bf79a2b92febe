"""The Redis cache, falling back to the database cache while Redis cannot be reached.

What lives in the cache is counters: log-in failures, API throttles, trial starts. With Redis
down each of those calls raised, and log-in, the API token and every throttled API call answered
500 (issue 13). With this backend they keep counting, in the `fallback` cache (a database
table, shared by every process like Redis is), until Redis answers again.
"""

import logging
import threading
from time import monotonic

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from redis import exceptions as redis_errors

logger = logging.getLogger(__name__)

FALLBACK_ALIAS = "fallback"
# After a failure, skip Redis for this long: each try costs up to socket_connect_timeout (2 s)
# when the host does not answer, and one request makes several cache calls.
RETRY_REDIS_AFTER_SECONDS = 5.0
# Down, slow, full (maxmemory with noeviction refuses writes) or a replica promoted mid-failover.
REDIS_DOWN = (redis_errors.ConnectionError, redis_errors.TimeoutError, redis_errors.OutOfMemoryError,
              redis_errors.ReadOnlyError)
# Every operation of Django's cache API that reaches the server.
_OPERATIONS = ("add", "get", "set", "touch", "delete", "get_many", "has_key", "incr", "decr", "set_many",
               "delete_many", "clear")


class FailoverRedisCache(RedisCache):
    """RedisCache whose operations go to caches["fallback"] while Redis fails (down, full, read-only)."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._lock = threading.Lock()
        self._redis_after = 0.0  # monotonic() before which Redis is not tried again

    def _call(self, operation: str, *args, **kwargs):
        if monotonic() >= self._redis_after:
            try:
                return getattr(super(), operation)(*args, **kwargs)
            except REDIS_DOWN as error:
                self._redis_down(error)
        return getattr(caches[FALLBACK_ALIAS], operation)(*args, **kwargs)

    def _redis_down(self, error: Exception) -> None:
        with self._lock:
            if monotonic() >= self._redis_after:  # one warning per outage window, not one per call
                logger.warning("cache: Redis failed (%s); using the database cache for %.0f s",
                               error, RETRY_REDIS_AFTER_SECONDS)
            self._redis_after = monotonic() + RETRY_REDIS_AFTER_SECONDS


def _operation(name: str):
    def operation(self, *args, **kwargs):
        return self._call(name, *args, **kwargs)

    operation.__name__ = operation.__qualname__ = name
    return operation


for _name in _OPERATIONS:
    setattr(FailoverRedisCache, _name, _operation(_name))
