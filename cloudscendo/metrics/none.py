"""METRICS_BACKEND=none: gauges are logged at debug level and go nowhere else."""

import logging

logger = logging.getLogger(__name__)


class NoMetrics:
    def publish(self, gauges) -> None:
        for gauge in gauges:
            logger.debug("metric %s %s = %s %s", gauge.name, dict(gauge.dimensions), gauge.value, gauge.unit)
