"""The /healthz probe: database, broker, storage and the emotion model, each reported on its own."""

import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from kombu import Connection

from cloudscendo.models import WorkerHeartbeat
from moods.emotion import detector_model


def _check_database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {"ok": True, "vendor": connection.vendor}


def _check_broker() -> dict:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"ok": True, "mode": "in-process"}
    with Connection(settings.CELERY_BROKER_URL, connect_timeout=2) as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    last = WorkerHeartbeat.objects.order_by("-seen_at").values_list("seen_at", flat=True).first()
    return {"ok": True, "mode": "broker", "worker_last_seen": last.isoformat() if last else None}


def _check_storage() -> dict:
    # A write, read and delete round trip: the app needs all three.
    name = default_storage.save(f"healthz/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
    try:
        with default_storage.open(name) as handle:
            handle.read()
    finally:
        default_storage.delete(name)
    return {"ok": True, "backend": settings.STORAGE_BACKEND}


def _check_emotion() -> dict:
    # The local backend still reads without face-api's npm files, with the older fer model:
    # healthy, but the probe says which model is in use.
    return {"ok": True, "backend": settings.EMOTION_BACKEND, "model": detector_model()}


CHECKS = {"database": _check_database, "broker": _check_broker, "storage": _check_storage,
          "emotion": _check_emotion}


def _run(check) -> dict:
    try:
        return check()
    except Exception as error:  # noqa: BLE001 - a probe reports any failure instead of raising
        return {"ok": False, "error": f"{type(error).__name__}: {error}"[:300]}


@never_cache
@require_GET
def healthz(request):
    results = {name: _run(check) for name, check in CHECKS.items()}
    healthy = all(result["ok"] for result in results.values())
    return JsonResponse({"status": "ok" if healthy else "error", "checks": results},
                        status=200 if healthy else 503)
