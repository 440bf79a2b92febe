"""The deployment's choices, read strictly from CDK context (`-c key=value` or cdk.json)."""

import re
from dataclasses import dataclass

from aws_cdk import aws_logs as logs
from constructs import Node

# Every Celery queue of cloudscendo/settings.py (TASK_QUEUES); each gets its own worker service.
QUEUES = ("analysis", "recommendations", "videos", "celery")
# Where the app's beat task publishes each queue's backlog (README, "Deploying on AWS").
METRIC_NAMESPACE = "Cloudscendo"
VIDEO_BACKENDS = ("offline", "youtube")
# hybrid: the local model first, Rekognition only for uncertain readings (fewer calls, README).
EMOTION_BACKENDS = ("rekognition", "hybrid")
# https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutRetentionPolicy.html
RETENTION_DAYS = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288,
                  3653)
_ACM_ARN = re.compile(r"arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate/[0-9a-f-]+")
_SECRET_ARN = re.compile(r"arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+-[A-Za-z0-9]{6}")
_HOST = re.compile(r"(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")
_REGION = re.compile(r"[a-z]{2}(-gov)?-[a-z]+-\d")
_KENDRA_INDEX = re.compile(r"[a-zA-Z0-9][a-zA-Z0-9-]{35}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[a-z]{2,63}")




def retention(days: int) -> logs.RetentionDays:
    """The CDK's name for a retention in days (its members follow RETENTION_DAYS, then INFINITE)."""
    return dict(zip(RETENTION_DAYS, logs.RetentionDays, strict=False))[days]


class ContextError(ValueError):
    """A context value is missing or malformed; the message names the key and what it accepts."""


@dataclass(frozen=True)
class DeployConfig:
    domain_name: str
    certificate_arn: str
    region: str
    video_backend: str
    emotion_backend: str
    youtube_secret_arn: str | None
    kendra_index_id: str | None
    alarm_email: str | None
    log_retention_days: int
    web_min_tasks: int
    web_max_tasks: int
    worker_max_tasks: int


def _text(node: Node, key: str) -> str | None:
    value = node.try_get_context(key)
    if value is None or value == "":
        return None
    return str(value).strip()


def _required(node: Node, key: str, pattern: re.Pattern, example: str) -> str:
    value = _text(node, key)
    if value is None:
        raise ContextError(f"Context value {key} is required: pass -c {key}={example}.")
    return _matching(key, value, pattern, example)


def _optional(node: Node, key: str, pattern: re.Pattern, example: str) -> str | None:
    value = _text(node, key)
    return None if value is None else _matching(key, value, pattern, example)


def _matching(key: str, value: str, pattern: re.Pattern, example: str) -> str:
    if not pattern.fullmatch(value):
        raise ContextError(f"Context value {key}={value!r} is not valid; expected something like {example}.")
    return value


def _count(node: Node, key: str, default: int, *, minimum: int, maximum: int) -> int:
    value = _text(node, key)
    if value is None:
        return default
    if not value.isdigit() or not minimum <= int(value) <= maximum:
        raise ContextError(f"Context value {key}={value!r} must be a whole number from {minimum} to {maximum}.")
    return int(value)


def _choice(node: Node, key: str, choices: tuple, default):
    value = _text(node, key)
    if value is None:
        return default
    allowed = {str(choice): choice for choice in choices}
    if value not in allowed:
        raise ContextError(f"Context value {key}={value!r} must be one of {', '.join(allowed)}.")
    return allowed[value]


def config_from_context(node: Node) -> DeployConfig:
    """The deployment's settings from context; raises ContextError naming a missing or bad key."""
    video_backend = _choice(node, "videoBackend", VIDEO_BACKENDS, "offline")
    youtube_secret_arn = _optional(node, "youtubeApiKeySecretArn", _SECRET_ARN,
                                   "arn:aws:secretsmanager:eu-west-1:123456789012:secret:youtube-AbCdEf")
    if video_backend == "youtube" and youtube_secret_arn is None:
        raise ContextError("Context value youtubeApiKeySecretArn is required when videoBackend=youtube: the ARN of "
                           "a Secrets Manager secret whose value is the YouTube Data API key.")
    web_min = _count(node, "webMinTasks", 2, minimum=1, maximum=100)
    web_max = _count(node, "webMaxTasks", 10, minimum=1, maximum=100)
    if web_max < web_min:
        raise ContextError(f"Context value webMaxTasks={web_max} must not be below webMinTasks={web_min}.")
    return DeployConfig(
        domain_name=_required(node, "domainName", _HOST, "cloudscendo.example.com"),
        certificate_arn=_required(node, "certificateArn", _ACM_ARN,
                                  "arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-…"),
        region=_required(node, "region", _REGION, "eu-west-1"),
        video_backend=video_backend,
        emotion_backend=_choice(node, "emotionBackend", EMOTION_BACKENDS, "rekognition"),
        youtube_secret_arn=youtube_secret_arn,
        kendra_index_id=_optional(node, "kendraIndexId", _KENDRA_INDEX, "a 36-character Kendra index id"),
        alarm_email=_optional(node, "alarmEmail", _EMAIL, "ops@example.com"),
        log_retention_days=_choice(node, "logRetentionDays", RETENTION_DAYS, 30),
        web_min_tasks=web_min,
        web_max_tasks=web_max,
        worker_max_tasks=_count(node, "workerMaxTasks", 10, minimum=1, maximum=100),
    )
