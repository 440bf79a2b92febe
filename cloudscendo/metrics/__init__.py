"""The metrics port: where the app's own gauges go, chosen by METRICS_BACKEND.

"none" (the default) drops them with a debug log line: there is nothing to scale locally.
"cloudwatch" sends them with PutMetricData; boto3 is imported only then.
"""

import functools
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

NAMESPACE = "Cloudscendo"


@dataclass(frozen=True)
class Gauge:
    name: str  # e.g. "QueueLength"
    dimensions: tuple[tuple[str, str], ...]  # e.g. (("Queue", "analysis"),)
    value: float
    unit: str  # a CloudWatch unit: "Count", "Seconds"...


class MetricsBackend(Protocol):
    def publish(self, gauges: list[Gauge]) -> None:
        """Send the gauges; raise BackendUnavailable when the service cannot take them now."""


class BackendUnavailable(Exception):
    """Transient: the metrics service could not take the gauges now."""


BACKENDS = {
    "none": "cloudscendo.metrics.none.NoMetrics",
    "cloudwatch": "cloudscendo.metrics.cloudwatch.CloudWatchMetrics",
}


@functools.cache
def _backend(name: str) -> MetricsBackend:
    return import_string(BACKENDS[name])()


def metrics_publish(gauges: list[Gauge]) -> None:
    """Send gauges through the METRICS_BACKEND; raises BackendUnavailable."""
    if gauges:
        _backend(settings.METRICS_BACKEND).publish(gauges)
