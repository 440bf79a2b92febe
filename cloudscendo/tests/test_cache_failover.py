"""The Redis cache fails over to the database cache table while Redis is down, and uses Redis again after."""

import datetime

import pytest
import redis
from django.core.cache import caches
from django.db import connection
from django.utils import timezone

from cloudscendo import cache as failover

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_cache(settings, redis_server):
    settings.CACHES = {**settings.CACHES, "default": {
        "BACKEND": "cloudscendo.cache.FailoverRedisCache", "LOCATION": redis_server.url(1),
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2}}}
    return caches["default"]


def test_while_redis_is_down_counters_go_to_the_database_table_and_come_back_to_redis_after(
        redis_cache, redis_server, monkeypatch, caplog):
    # given a value on Redis
    redis_cache.set("before", 1)
    assert redis.Redis(port=redis_server.port, db=1).get(":1:before") == b"1"

    # when Redis stops, a counter still counts, in the database table
    redis_server.stop()
    assert redis_cache.add("failures", 1) is True
    assert redis_cache.incr("failures") == 2
    assert redis_cache.get_many(["failures", "before"]) == {"failures": 2}
    assert caches["fallback"].get("failures") == 2
    assert caplog.messages[0].startswith("cache: Redis failed (Error 111 connecting to")
    assert len(caplog.messages) == 1  # one warning for the outage, not one per call

    # when Redis is back, the table is still used until RETRY_REDIS_AFTER_SECONDS have passed
    redis_server.start()
    assert redis_cache.get("failures") == 2
    later = failover.monotonic() + failover.RETRY_REDIS_AFTER_SECONDS
    monkeypatch.setattr(failover, "monotonic", lambda: later)

    # then Redis again (restarted empty: it kept nothing on disk)
    assert redis_cache.get("failures") is None
    redis_cache.set("after", 2)
    assert redis.Redis(port=redis_server.port, db=1).get(":1:after") == b"2"
    assert caches["fallback"].get("after") is None



def _expires_in_seconds(key: str) -> float:
    fallback = caches["fallback"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT expires FROM cloudscendo_cache WHERE cache_key = %s",
                       [fallback.make_and_validate_key(key)])
        expires = cursor.fetchone()[0]
    if isinstance(expires, str):  # SQLite hands back text, naive UTC
        expires = datetime.datetime.fromisoformat(expires)
    if timezone.is_naive(expires):
        expires = timezone.make_aware(expires, datetime.UTC)
    return (expires - timezone.now()).total_seconds()


def test_the_database_fallback_keeps_a_counters_window_when_it_counts():
    # Django's own incr re-sets the key with the default 300 s timeout: an hour's window would end 5 minutes
    # after the last attempt. The fallback's incr writes the value only.
    fallback = caches["fallback"]
    for _ in range(3):
        fallback.add("throttle:test", 0, timeout=3600)
        fallback.incr("throttle:test")
    fallback.decr("throttle:test")

    assert fallback.get("throttle:test") == 2
    assert 3500 < _expires_in_seconds("throttle:test") <= 3600


def test_the_database_fallback_refuses_to_count_a_missing_or_expired_key():
    fallback = caches["fallback"]
    fallback.set("gone", 1, timeout=-1)

    for key in ("gone", "never"):
        with pytest.raises(ValueError, match="not found"):
            fallback.incr(key)
