import socket

from celery import shared_task
from django.db import InterfaceError, OperationalError

from cloudscendo import services


# A lost database connection is transient: retried (on a new connection), not counted as a dead worker.
@shared_task(acks_late=True, ignore_result=True, autoretry_for=(OperationalError, InterfaceError),
             retry_backoff=1, retry_backoff_max=10, max_retries=3)
def worker_heartbeat_task() -> None:
    services.heartbeat_record(hostname=socket.gethostname())


# No retry: a gauge sent late is worth nothing, and beat sends fresh ones next minute.
@shared_task(acks_late=True, ignore_result=True)
def queue_metrics_publish_task() -> None:
    services.queue_metrics_publish()
