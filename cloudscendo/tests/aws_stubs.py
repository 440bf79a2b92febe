"""botocore's Stubber on the client that the project's factory (cloudscendo.aws.client) hands out."""

import contextlib
from collections.abc import Iterator

import boto3
from botocore.stub import Stubber


@contextlib.contextmanager
def stubbed_client(monkeypatch, service: str) -> Iterator[Stubber]:
    """Yield a Stubber on a `service` client that the code under test gets; every queued answer must be used."""
    client = boto3.client(service, region_name="eu-west-1", aws_access_key_id="testing",
                          aws_secret_access_key="testing")
    monkeypatch.setattr("cloudscendo.aws.client", lambda name: {service: client}[name])
    with Stubber(client) as stub:
        yield stub
        stub.assert_no_pending_responses()
