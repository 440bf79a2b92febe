"""Writes of the project itself: the workers' heartbeat, which /healthz reads."""

from django.utils import timezone

from cloudscendo.models import WorkerHeartbeat


def heartbeat_record(*, hostname: str) -> None:
    """Store that a worker on this host is alive now."""
    WorkerHeartbeat.objects.update_or_create(hostname=hostname, defaults={"seen_at": timezone.now()})
