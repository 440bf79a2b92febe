from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError

from moods import services
from moods.emotion import BackendUnavailable


def _give_up(task, exc, task_id, args, kwargs, einfo) -> None:
    # Retries exhausted, or an unexpected error: the user gets a readable end state.
    services.capture_give_up(capture_id=(args or [kwargs["capture_id"]])[0])


# A lost database connection (PostgreSQL restarting or failing over) is transient too: without
# a retry the give-up below would end the capture as failed with a message about the emotion
# service. The retry reconnects; a capture claimed before the loss is left to the sweeper.
TRANSIENT = (BackendUnavailable, OperationalError, InterfaceError)


@shared_task(acks_late=True, ignore_result=True, autoretry_for=TRANSIENT,
             retry_backoff=settings.CAPTURE_RETRY_BACKOFF_SECONDS, retry_backoff_max=300,
             max_retries=settings.CAPTURE_MAX_RETRIES, on_failure=_give_up)
def capture_analyse_task(capture_id: int) -> None:
    services.capture_analyse(capture_id=capture_id)


# The sweep is idempotent (compare-and-swap resets): a retry after a lost connection is safe.
@shared_task(acks_late=True, ignore_result=True, autoretry_for=(OperationalError, InterfaceError),
             retry_backoff=5, retry_backoff_max=60, max_retries=6)
def captures_requeue_stuck_task() -> None:
    services.captures_requeue_stuck()


# Idempotent too (each abandoned capture is failed by compare-and-swap, its object deleted once).
@shared_task(acks_late=True, ignore_result=True, autoretry_for=(OperationalError, InterfaceError),
             retry_backoff=5, retry_backoff_max=60, max_retries=6)
def captures_uploads_sweep_task() -> None:
    services.captures_upload_sweep()
