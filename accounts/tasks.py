from celery import shared_task
from django.db import InterfaceError, OperationalError

from accounts import services


# A lost database connection is transient (the retry reconnects); the sweep deletes what is still expired.
@shared_task(acks_late=True, ignore_result=True, autoretry_for=(OperationalError, InterfaceError),
             retry_backoff=5, retry_backoff_max=60, max_retries=6)
def guests_sweep_task() -> None:
    services.guests_expired_delete()
