"""boto3 clients with the project's region, timeouts and retry policy.

Clients are created lazily, once per process (and so per Celery worker child,
after the fork), which is what boto3 recommends: clients are thread-safe,
sessions are not.
"""

import functools

import boto3
from botocore.config import Config
from django.conf import settings


@functools.cache
def client(service: str):
    """Return the shared boto3 client for an AWS service."""
    config = Config(
        region_name=settings.AWS_REGION,
        connect_timeout=settings.AWS_CONNECT_TIMEOUT,
        read_timeout=settings.AWS_READ_TIMEOUT,
        # Standard mode: up to 3 retries after the first call (4 in all), with backoff on
        # throttling and 5xx; Celery retries on top of that.
        retries={"mode": "standard", "max_attempts": 3},
    )
    return boto3.session.Session().client(service, config=config)
