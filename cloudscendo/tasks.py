import socket

from celery import shared_task

from cloudscendo import services


@shared_task(acks_late=True, ignore_result=True)
def worker_heartbeat_task() -> None:
    services.heartbeat_record(hostname=socket.gethostname())
