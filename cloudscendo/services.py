"""Writes of the project itself: the workers' heartbeat, which /readyz reads, and the queue metrics."""

from django.utils import timezone

from cloudscendo import selectors
from cloudscendo.metrics import Gauge, metrics_publish
from cloudscendo.models import WorkerHeartbeat


def heartbeat_record(*, hostname: str) -> None:
    """Store that a worker on this host is alive now."""
    WorkerHeartbeat.objects.update_or_create(hostname=hostname, defaults={"seen_at": timezone.now()})


def queue_metrics_publish(*, now: float | None = None) -> list[Gauge]:
    """Publish each queue's length and oldest message's age (what the worker autoscaling reads); return them.

    Raises metrics.BackendUnavailable, and what selectors.queues_backlog raises.
    """
    gauges = []
    for backlog in selectors.queues_backlog(now=now):
        dimensions = (("Queue", backlog.queue),)
        gauges += [Gauge(name="QueueLength", dimensions=dimensions, value=backlog.length, unit="Count"),
                   Gauge(name="OldestMessageAge", dimensions=dimensions, value=round(backlog.oldest_age, 3),
                         unit="Seconds")]
    metrics_publish(gauges)
    return gauges
