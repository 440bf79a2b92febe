"""Queue metrics: each queue's length and oldest message's age, read from real Redis, sent to CloudWatch."""

import json
import logging

import pytest
import redis

from cloudscendo import services
from cloudscendo.logs import TASK_PUBLISHED_AT
from cloudscendo.metrics import BackendUnavailable
from cloudscendo.tests.aws_stubs import stubbed_client
from conftest import send_task

pytestmark = pytest.mark.redis

ANALYSE = "moods.tasks.capture_analyse_task"
RESOLVE = "music.tasks.track_videos_resolve_task"


@pytest.fixture
def queues(settings, redis_broker_url):
    """An empty Redis broker that this process reads the backlog from."""
    settings.CELERY_BROKER_URL = redis_broker_url
    return redis.Redis.from_url(redis_broker_url)


@pytest.fixture
def cloudwatch(monkeypatch, settings):
    settings.METRICS_BACKEND = "cloudwatch"
    with stubbed_client(monkeypatch, "cloudwatch") as stub:
        yield stub


def _published_at(client: redis.Redis, queue: str, index: int) -> float:
    return json.loads(client.lindex(queue, index))["headers"][TASK_PUBLISHED_AT]


def _datum(name: str, queue: str, value: float, unit: str) -> dict:
    return {"MetricName": name, "Dimensions": [{"Name": "Queue", "Value": queue}], "Value": value, "Unit": unit}


def test_lengths_and_oldest_ages_of_every_queue_go_to_cloudwatch(queues, cloudwatch, redis_broker_url):
    # given two analyses and one video look-up waiting
    for args in ((1,), (2,)):
        send_task(ANALYSE, args=args, broker_url=redis_broker_url)
    send_task(RESOLVE, args=([],), broker_url=redis_broker_url)
    oldest_analysis = _published_at(queues, "analysis", -1)
    video = _published_at(queues, "videos", -1)
    now = oldest_analysis + 90.0
    # then (expected) one PutMetricData call with both gauges of all four queues
    cloudwatch.add_response("put_metric_data", {}, expected_params={"Namespace": "Cloudscendo", "MetricData": [
        _datum("QueueLength", "analysis", 2.0, "Count"), _datum("OldestMessageAge", "analysis", 90.0, "Seconds"),
        _datum("QueueLength", "recommendations", 0.0, "Count"),
        _datum("OldestMessageAge", "recommendations", 0.0, "Seconds"),
        _datum("QueueLength", "videos", 1.0, "Count"),
        _datum("OldestMessageAge", "videos", round(now - video, 3), "Seconds"),
        _datum("QueueLength", "celery", 0.0, "Count"), _datum("OldestMessageAge", "celery", 0.0, "Seconds"),
    ]})

    # when the beat's task runs
    gauges = services.queue_metrics_publish(now=now)

    assert len(gauges) == 8
    assert oldest_analysis < _published_at(queues, "analysis", 0)  # the right end is the oldest


def test_the_oldest_message_of_a_priority_list_counts_too(queues, settings):
    # kombu keeps priority 3, 6 and 9 messages in lists of their own, named queue + "\x06\x16" + step
    message = json.dumps({"body": "", "headers": {TASK_PUBLISHED_AT: 1000.0}, "properties": {}})
    queues.lpush("analysis\x06\x166", message)
    queues.lpush("analysis", json.dumps({"body": "", "headers": {TASK_PUBLISHED_AT: 1030.0}, "properties": {}}))

    gauges = services.queue_metrics_publish(now=1100.0)

    assert [(g.name, g.value) for g in gauges[:2]] == [("QueueLength", 2), ("OldestMessageAge", 100.0)]


def test_a_message_without_our_stamp_is_counted_but_has_no_age(queues):
    queues.lpush("celery", json.dumps({"body": "", "headers": {}, "properties": {}}))

    gauges = services.queue_metrics_publish(now=1100.0)

    assert [(g.name, g.value) for g in gauges[6:]] == [("QueueLength", 1), ("OldestMessageAge", 0.0)]


def test_cloudwatch_refusing_the_metrics_is_a_transient_error(queues, cloudwatch):
    cloudwatch.add_client_error("put_metric_data", service_error_code="Throttling", http_status_code=400)

    with pytest.raises(BackendUnavailable, match="CloudWatch did not take the metrics"):
        services.queue_metrics_publish(now=1100.0)


def test_without_cloudwatch_the_gauges_only_reach_the_debug_log(queues, caplog):
    caplog.set_level(logging.DEBUG, logger="cloudscendo.metrics.none")

    services.queue_metrics_publish(now=1100.0)

    assert caplog.messages[:2] == ["metric QueueLength {'Queue': 'analysis'} = 0 Count",
                                   "metric OldestMessageAge {'Queue': 'analysis'} = 0.0 Seconds"]
    assert len(caplog.messages) == 8
