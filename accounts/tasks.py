from celery import shared_task

from accounts import services


@shared_task(acks_late=True, ignore_result=True)
def guests_sweep_task() -> None:
    services.guests_expired_delete()
