"""Reads of the project itself: how much work waits in each Celery queue, and for how long."""

import json
import time
from dataclasses import dataclass

import redis
from django.conf import settings
from kombu.transport.redis import PRIORITY_STEPS, Channel

from cloudscendo.logs import TASK_PUBLISHED_AT


@dataclass(frozen=True)
class QueueBacklog:
    queue: str
    length: int  # messages waiting (not those a worker holds)
    oldest_age: float  # seconds since the oldest waiting message was published; 0.0 when none waits


def queues_backlog(*, now: float | None = None) -> list[QueueBacklog]:
    """Each of TASK_QUEUES with its length and oldest message's age, read from the Redis broker.

    Raises ValueError for a broker other than Redis, redis.RedisError when it cannot be read.
    """
    if not settings.CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
        raise ValueError("queue metrics read a Redis broker only")
    now = time.time() if now is None else now
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_connect_timeout=2, socket_timeout=5)
    with client:
        return [_backlog(client, queue, now) for queue in settings.TASK_QUEUES]


def _backlog(client: redis.Redis, queue: str, now: float) -> QueueBacklog:
    # kombu keeps a queue as one Redis list per priority step (the bare name for priority 0), pushes
    # on the left and takes from the right: the right end of each list is its oldest message.
    keys = [queue] + [f"{queue}{Channel.sep}{step}" for step in PRIORITY_STEPS if step]
    with client.pipeline(transaction=False) as pipe:
        for key in keys:
            pipe.llen(key)
            pipe.lindex(key, -1)
        answers = pipe.execute()
    lengths, oldest = answers[0::2], [message for message in answers[1::2] if message is not None]
    ages = [now - published for published in map(_published_at, oldest) if published is not None]
    return QueueBacklog(queue=queue, length=sum(lengths), oldest_age=max([0.0, *ages]))


def _published_at(message: bytes) -> float | None:
    """When our publish signal stamped the message; None for a message sent without it."""
    try:
        value = json.loads(message)["headers"][TASK_PUBLISHED_AT]
    except (ValueError, KeyError, TypeError):
        return None
    return float(value) if isinstance(value, (int, float)) else None
