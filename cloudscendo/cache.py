"""The Redis cache, falling back to the database cache while Redis cannot be reached.

What lives in the cache is counters: log-in failures, API throttles, trial starts. With Redis
down each of those calls raised, and log-in, the API token and every throttled API call answered
500 (issue 13). With this backend they keep counting, in the `fallback` cache (a database
table, shared by every process like Redis is), until Redis answers again.
"""

import base64
import logging
import pickle
import threading
from time import monotonic

from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.redis import RedisCache
from django.db import connections, router, transaction
from django.utils.timezone import now as tz_now
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


class CounterDatabaseCache(DatabaseCache):
    """Django's database cache, whose incr and decr keep a counter's expiry and cannot lose a count.

    The base incr is a get then a set, and set gives the key the default timeout (300 s): on the
    fallback every throttle window would have become five minutes from the last attempt (an hour's
    limit twelve times looser, the log-in lock-out a third of its length), and two parallel
    attempts could both read the same count. Here the row is locked (SELECT ... FOR UPDATE on
    PostgreSQL; SQLite's transactions take the write lock when they begin, see settings) and only
    its value is written.
    """

    def incr(self, key, delta=1, version=None):
        cache_key = self.make_and_validate_key(key, version=version)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        quote = connection.ops.quote_name
        table, value_column, key_column = quote(self._table), quote("value"), quote("cache_key")
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        now = connection.ops.adapt_datetimefield_value(tz_now().replace(microsecond=0))
        # Only quoted names of Django's own cache table are formatted into the SQL; values are parameters.
        with transaction.atomic(using=db), connection.cursor() as cursor:
            cursor.execute(f"SELECT {value_column} FROM {table} WHERE {key_column} = %s "  # noqa: S608
                           f"AND {quote('expires')} > %s{lock}", [cache_key, now])
            row = cursor.fetchone()
            if row is None:
                raise ValueError(f"Key '{key}' not found")
            # The table holds only what this cache wrote, pickled as Django's database cache does.
            value = pickle.loads(base64.b64decode(connection.ops.process_clob(row[0]).encode())) + delta  # noqa: S301
            encoded = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
            cursor.execute(f"UPDATE {table} SET {value_column} = %s WHERE {key_column} = %s",  # noqa: S608
                           [encoded, cache_key])
        return value
