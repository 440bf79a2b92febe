import socket

from celery import shared_task

from cloudscendo import services


@shared_task(acks_late=True, ignore_result=True)
def worker_heartbeat_task() -> None:
    services.heartbeat_record(hostname=socket.gethostname())


# No retry: a gauge sent late is worth nothing, and beat sends fresh ones next minute.
@shared_task(acks_late=True, ignore_result=True)
def queue_metrics_publish_task() -> None:
    services.queue_metrics_publish()
