"""boto3 clients with the project's region, timeouts and retry policy.

Clients are created lazily, once per process (and so per Celery worker child,
after the fork), which is what boto3 recommends: clients are thread-safe,
sessions are not.
"""

import functools

import boto3
from botocore.config import Config
from django.conf import settings


def client_config(*, connect_timeout: float, read_timeout: float, **options) -> Config:
    """The botocore Config of every AWS call: these timeouts, our retry policy, and any other options."""
    # Standard mode: up to 3 retries after the first call (4 in all), with backoff on
    # throttling, 5xx and connection errors; Celery retries on top of that.
    return Config(connect_timeout=connect_timeout, read_timeout=read_timeout,
                  retries={"mode": "standard", "max_attempts": 3}, **options)


@functools.cache
def client(service: str):
    """Return the shared boto3 client for an AWS service."""
    config = client_config(region_name=settings.AWS_REGION, connect_timeout=settings.AWS_CONNECT_TIMEOUT,
                           read_timeout=settings.AWS_READ_TIMEOUT)
    return boto3.session.Session().client(service, config=config)
