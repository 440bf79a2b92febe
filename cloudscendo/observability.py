"""Optional error reporting (Sentry) and tracing (OpenTelemetry): each off unless its variable is set.

Neither Sentry's SDK nor OpenTelemetry's tracing SDK and instrumentations are imported unless their
variable is set, so a default install neither loads nor sets them up (redis-py 8 imports OpenTelemetry's
metrics classes on its own, and configures nothing). CloudscendoConfig.ready() calls
observability_setup() in every process (web, worker, beat, manage.py). Both SDKs survive the fork of
gunicorn's and Celery's pools: Sentry's sender thread and OpenTelemetry's batch processor restart in
each child.
"""

from django.conf import settings


def observability_setup() -> None:
    """Start what the environment asks for: Sentry with SENTRY_DSN, tracing with OTEL_EXPORTER_OTLP_ENDPOINT."""
    if settings.SENTRY_DSN:
        sentry_setup(dsn=settings.SENTRY_DSN)
    if settings.OTEL_EXPORTER_OTLP_ENDPOINT:
        tracing_setup()


def sentry_setup(*, dsn: str, transport=None) -> None:
    """Report unhandled errors of requests and tasks to Sentry (transport: for tests, where events go)."""
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn, transport=transport, environment=settings.SENTRY_ENVIRONMENT,
        traces_sample_rate=settings.SENTRY_TRACES_SAMPLE_RATE,
        # Faces and moods are sensitive: no user ids, cookies, headers or bodies leave with an event.
        send_default_pii=False, max_request_body_size="never",
        integrations=[DjangoIntegration(), CeleryIntegration()], before_send=_request_id_tag,
    )


def _request_id_tag(event: dict, hint: dict) -> dict:
    """Tag an event with the request id, so it leads to the same request's (or task's) log lines."""
    from cloudscendo.logs import request_id_var

    if request_id := request_id_var.get():
        event.setdefault("tags", {})["request_id"] = request_id
    return event


def tracing_setup(*, processor=None):
    """Trace requests and tasks to the OTLP endpoint (processor: for tests, where spans go); return the provider.

    The exporter reads OTEL_EXPORTER_OTLP_ENDPOINT (and OTEL_EXPORTER_OTLP_HEADERS...) itself; the
    resource reads OTEL_SERVICE_NAME, "cloudscendo" when unset.
    """
    from opentelemetry import trace
    from opentelemetry.instrumentation.celery import CeleryInstrumentor
    from opentelemetry.instrumentation.django import DjangoInstrumentor
    from opentelemetry.sdk.resources import OTELResourceDetector, Resource
    from opentelemetry.sdk.trace import TracerProvider

    resource = Resource.create({"service.name": "cloudscendo"}).merge(OTELResourceDetector().detect())
    provider = TracerProvider(resource=resource)
    provider.add_span_processor(processor or _otlp_processor())
    trace.set_tracer_provider(provider)
    DjangoInstrumentor().instrument()
    CeleryInstrumentor().instrument()
    return provider


def _otlp_processor():
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    return BatchSpanProcessor(OTLPSpanExporter())
