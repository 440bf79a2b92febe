"""METRICS_BACKEND=cloudwatch: gauges sent with PutMetricData, timeouts and retries from cloudscendo/aws.py."""

from botocore.exceptions import BotoCoreError, ClientError

from cloudscendo import aws

from . import NAMESPACE, BackendUnavailable

# PutMetricData takes up to 1,000 datums a call
# (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricData.html).
BATCH = 1000


class CloudWatchMetrics:
    def publish(self, gauges) -> None:
        for start in range(0, len(gauges), BATCH):
            _put([_datum(gauge) for gauge in gauges[start:start + BATCH]])


def _datum(gauge) -> dict:
    dimensions = [{"Name": name, "Value": value} for name, value in gauge.dimensions]
    return {"MetricName": gauge.name, "Dimensions": dimensions, "Value": float(gauge.value), "Unit": gauge.unit}


def _put(data: list[dict]) -> None:
    try:
        aws.client("cloudwatch").put_metric_data(Namespace=NAMESPACE, MetricData=data)
    except (ClientError, BotoCoreError) as error:
        # A gauge a minute late is worth nothing: the next beat sends fresh ones.
        raise BackendUnavailable(f"CloudWatch did not take the metrics: {error}") from error
