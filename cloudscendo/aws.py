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


def bucket_origin(*, bucket: str, region: str, endpoint_url: str | None, addressing_style: str) -> str:
    """The scheme://host[:port] a browser reaches the bucket at (presigned links and POSTs), as botocore builds it.

    Asked of botocore rather than rebuilt here: the host depends on the region (us-east-1 has no region
    in it), the addressing style and the endpoint (an IP endpoint is always path-style).
    """
    from urllib.parse import urlsplit

    from botocore import UNSIGNED

    config = Config(signature_version=UNSIGNED, s3={"addressing_style": addressing_style})
    s3 = boto3.session.Session().client("s3", region_name=region, endpoint_url=endpoint_url, config=config)
    url = urlsplit(s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "k"}))
    return f"{url.scheme}://{url.netloc}"
