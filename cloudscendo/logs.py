"""Log lines that carry a request id from the web request into the Celery tasks it enqueues.

The id lives in a context variable: the middleware sets it per request, Celery's publish signal copies
it into the task message's headers, and the worker's prerun signal sets it again around the task.
With LOG_FORMAT=json every line is one JSON object (for CloudWatch Logs Insights and friends).
"""

import contextvars
import json
import logging
import re
import time
import uuid

from celery import current_task
from celery.signals import before_task_publish, task_postrun, task_prerun
from django.core.signals import request_finished
from django.dispatch import receiver

REQUEST_ID_HEADER = "X-Request-ID"
# A load balancer's or client's id is kept when it is short and plain (ALB sends "Root=1-…;…" in
# X-Amzn-Trace-Id, not here); anything else could forge log lines or bloat them, so it is replaced.
_SANE_ID = re.compile(r"[A-Za-z0-9._:=-]{8,128}")
# Message headers our publish signal adds: the request id, and when the message was published
# (the queue metrics read the oldest message's age from it).
TASK_REQUEST_ID = "cloudscendo_request_id"
TASK_PUBLISHED_AT = "cloudscendo_published_at"

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)


def request_id_from(header: str | None) -> str:
    """The caller's id when it is sane, else a new random one."""
    if header and _SANE_ID.fullmatch(header):
        return header
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """Give each request an id (the caller's X-Request-ID if sane), log with it, and echo it back."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request_id_from(request.headers.get(REQUEST_ID_HEADER))
        # Not reset on the way out: Django logs a 4xx/5xx after the middleware chain returns, and
        # that line needs the id too. request_finished (the response closed) clears it.
        request_id_var.set(request_id)
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request_id
        return response


@receiver(request_finished)
def _request_id_clear(**kwargs) -> None:
    request_id_var.set(None)


class ContextFilter(logging.Filter):
    """Add request_id and task_id (or None) to every record, so both formats can print them."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        task = current_task
        record.task_id = task.request.id if task and task.request and not task.request.called_directly else None
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message, request and task ids, and any traceback."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
            "task_id": getattr(record, "task_id", None),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def logging_config(*, log_format: str, level: str) -> dict:
    """The LOGGING dict of settings.py: one console handler in the chosen format."""
    formatters = {
        "json": {"()": "cloudscendo.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s"},
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": "cloudscendo.logs.ContextFilter"}},
        "formatters": {log_format: formatters[log_format]},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": log_format, "filters": ["context"]}},
        "root": {"handlers": ["console"], "level": level},
    }


@before_task_publish.connect
def _headers_add(headers: dict | None = None, **kwargs) -> None:
    if headers is None:
        return
    headers[TASK_PUBLISHED_AT] = time.time()  # a retry is a new publish: its age starts again
    if request_id := request_id_var.get():
        headers.setdefault(TASK_REQUEST_ID, request_id)


@task_prerun.connect
def _task_context_enter(task=None, **kwargs) -> None:
    # Protocol 2 exposes custom message headers as attributes of task.request. A task run in-process
    # (no broker) has none and keeps the id of the request it runs in.
    request_id = getattr(task.request, TASK_REQUEST_ID, None)
    if request_id:
        task.request.cloudscendo_token = request_id_var.set(request_id)


@task_postrun.connect
def _task_context_leave(task=None, **kwargs) -> None:
    token = getattr(task.request, "cloudscendo_token", None)
    if token is not None:
        request_id_var.reset(token)
        task.request.cloudscendo_token = None
