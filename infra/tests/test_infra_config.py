"""Context values are parsed strictly: a missing or malformed one names itself and what it accepts."""

import aws_cdk as cdk
import pytest
from cloudscendo_infra.config import ContextError, config_from_context

from tests.conftest import BASE_CONTEXT, FULL_CONTEXT, cdk_context


def _config(**context):
    return config_from_context(cdk.App(context=cdk_context(**context)).node)


def test_defaults_come_from_cdk_json():
    config = _config(**BASE_CONTEXT)
    assert (config.region, config.video_backend, config.log_retention_days, config.web_min_tasks,
            config.web_max_tasks, config.worker_max_tasks, config.kendra_index_id, config.emotion_backend) == (
        "eu-west-1", "offline", 30, 2, 10, 10, None, "rekognition")


def test_every_optional_value_is_read():
    config = _config(**FULL_CONTEXT, webMinTasks="3", logRetentionDays="90", emotionBackend="hybrid")
    assert (config.video_backend, config.kendra_index_id, config.alarm_email, config.web_min_tasks,
            config.log_retention_days, config.emotion_backend) == (
        "youtube", "0123abcd-4567-89ef-0123-456789abcdef", "ops@example.com", 3, 90, "hybrid")


@pytest.mark.parametrize(("context", "message"), [
    ({"certificateArn": BASE_CONTEXT["certificateArn"]}, "Context value domainName is required"),
    ({**BASE_CONTEXT, "certificateArn": "my-cert"}, "Context value certificateArn='my-cert' is not valid"),
    ({**BASE_CONTEXT, "domainName": "https://x.example.com"}, "Context value domainName='https://x.example.com'"),
    ({**BASE_CONTEXT, "videoBackend": "youtube"}, "youtubeApiKeySecretArn is required when videoBackend=youtube"),
    ({**BASE_CONTEXT, "videoBackend": "vimeo"}, "videoBackend='vimeo' must be one of offline, youtube"),
    ({**BASE_CONTEXT, "emotionBackend": "local"}, "emotionBackend='local' must be one of rekognition, hybrid"),
    ({**BASE_CONTEXT, "webMinTasks": "0"}, "webMinTasks='0' must be a whole number from 1 to 100"),
    ({**BASE_CONTEXT, "webMinTasks": "5", "webMaxTasks": "4"}, "webMaxTasks=4 must not be below webMinTasks=5"),
    ({**BASE_CONTEXT, "logRetentionDays": "31"}, "logRetentionDays='31' must be one of 1, 3, 5, 7"),
    ({**BASE_CONTEXT, "region": "Ireland"}, "Context value region='Ireland' is not valid"),
])
def test_bad_context_names_the_value(context, message):
    with pytest.raises(ContextError, match=message.replace("(", r"\(").replace(")", r"\)")):
        _config(**context)
