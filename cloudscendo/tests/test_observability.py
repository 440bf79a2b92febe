"""Sentry and OpenTelemetry: not even imported unless set; set, they really report (real SDKs, offline).

Each case runs in a fresh interpreter: both SDKs patch Django and Celery process-wide, once.
"""

import json
import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from conftest import ROOT

# Shared start of every script: Django set up as manage.py would, a test client, a view that fails.
PRELUDE = """
import json, sys
import django
django.setup()
from django.test.utils import setup_test_environment
from django.urls import path
setup_test_environment()

def broken(request):
    raise ZeroDivisionError("the view broke")

from cloudscendo import urls
urls.urlpatterns.append(path("broken/", broken))
from django.test import Client
client = Client(raise_request_exception=False)
"""


def _run(script: str, **env: str) -> dict:
    """Run PRELUDE + script in a fresh interpreter; return the JSON it prints last."""
    clean = {key: value for key, value in os.environ.items()
             if not key.startswith(("SENTRY_", "OTEL_", "DATABASE_URL"))}
    result = subprocess.run([sys.executable, "-c", PRELUDE + script], cwd=ROOT, capture_output=True, text=True,
                            env={**clean, "DJANGO_SETTINGS_MODULE": "cloudscendo.settings", **env}, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_unset_neither_sdk_is_imported():
    # Tracing's SDK, the instrumentations and Sentry: what observability_setup() would load. (redis-py 8
    # imports OpenTelemetry's *metrics* classes by itself when it is imported, and sets nothing up.)
    body = _run("""
client.get("/privacy/")
from opentelemetry import trace
print(json.dumps({"modules": sorted({".".join(name.split(".")[:3]) for name in sys.modules
                                     if name.startswith(("sentry_sdk", "opentelemetry.sdk.trace",
                                                         "opentelemetry.instrumentation"))}),
                  "provider": type(trace.get_tracer_provider()).__name__}))
""")

    assert body == {"modules": [], "provider": "ProxyTracerProvider"}


def test_with_a_dsn_an_error_of_a_request_reaches_sentry_without_personal_data():
    body = _run("""
import sentry_sdk
from sentry_sdk.transport import Transport
events = []
class Recording(Transport):
    def capture_envelope(self, envelope):
        events.extend(item.payload.json for item in envelope.items if item.type == "event")
# ready() already started the SDK from SENTRY_DSN; start it again with a transport that records
started = sentry_sdk.get_client()
from cloudscendo.observability import sentry_setup
sentry_setup(dsn="https://public@sentry.example.invalid/1", transport=Recording())
response = client.get("/broken/", HTTP_COOKIE="sessionid=secret-session", HTTP_X_REQUEST_ID="broken-request-7")
sentry_sdk.flush()
event = events[0]
print(json.dumps({"status": response.status_code, "started": started.is_active(),
                  "integrations": sorted(name for name in ("django", "celery") if name in started.integrations),
                  "events": len(events), "type": event["exception"]["values"][-1]["type"],
                  "value": event["exception"]["values"][-1]["value"], "request": event["request"],
                  "cookies": event["request"].get("cookies"), "user": event.get("user"),
                  "environment": event["environment"], "request_id": event["tags"]["request_id"]}))
""", SENTRY_DSN="https://public@sentry.example.invalid/1", SENTRY_ENVIRONMENT="staging")

    assert body == {"status": 500, "started": True, "integrations": ["celery", "django"], "events": 1,
                    "type": "ZeroDivisionError", "value": "the view broke",
                    "request": {"data": ""},  # the body left out, and no cookie, session or user
                    "cookies": None, "user": None, "environment": "staging", "request_id": "broken-request-7"}


def test_with_an_otlp_endpoint_requests_are_traced():
    body = _run("""
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
provider = trace.get_tracer_provider()  # set by ready() from OTEL_EXPORTER_OTLP_ENDPOINT
memory = InMemorySpanExporter()
provider.add_span_processor(SimpleSpanProcessor(memory))
client.get("/privacy/")
client.get("/broken/")
spans = [(span.name, span.attributes.get("http.status_code", span.attributes.get("http.response.status_code")),
          span.resource.attributes["service.name"]) for span in memory.get_finished_spans()]
exporters = [type(p.span_exporter).__name__ for p in provider._active_span_processor._span_processors
             if hasattr(p, "span_exporter")]
print(json.dumps({"sdk": isinstance(provider, TracerProvider), "spans": spans, "exporters": exporters}))
""", OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:1", OTEL_SERVICE_NAME="cloudscendo-web",
                OTEL_BSP_EXPORT_TIMEOUT="500")

    assert body == {"sdk": True, "spans": [["GET privacy/", 200, "cloudscendo-web"], ["GET broken/", 500,
                                                                                      "cloudscendo-web"]],
                    "exporters": ["OTLPSpanExporter", "InMemorySpanExporter"]}


@pytest.mark.parametrize("name", ["SENTRY_DSN", "OTEL_EXPORTER_OTLP_ENDPOINT"])
def test_an_endpoint_that_is_not_a_url_is_refused(monkeypatch, name):
    from cloudscendo.settings import _endpoint

    monkeypatch.setenv(name, "sentry.example.com")

    with pytest.raises(ImproperlyConfigured, match=f"{name} must be an http:// or https:// URL."):
        _endpoint(name)
