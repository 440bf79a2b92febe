"""With photos on S3 the CSP lets the capture page reach the bucket's origin, exactly as botocore addresses it."""

import pytest

from cloudscendo.tests.test_settings import _django

SHOW_CSP = "from django.conf import settings; print(settings.CONTENT_SECURITY_POLICY)"
S3 = {"STORAGE_BACKEND": "s3", "AWS_STORAGE_BUCKET_NAME": "faces"}


def _csp(**env: str) -> dict[str, str]:
    result = _django("shell", "-c", SHOW_CSP, **env)
    assert result.returncode == 0, result.stderr
    return dict(directive.split(" ", 1) for directive in result.stdout.strip().splitlines()[-1].split("; "))


@pytest.mark.parametrize(("env", "origin"), [
    ({"AWS_REGION": "us-east-1"}, "https://faces.s3.amazonaws.com"),  # no region in us-east-1's host
    ({"AWS_REGION": "eu-west-1"}, "https://faces.s3.eu-west-1.amazonaws.com"),
    ({"AWS_REGION": "eu-west-1", "AWS_S3_ADDRESSING_STYLE": "path"}, "https://s3.eu-west-1.amazonaws.com"),
    ({"AWS_REGION": "eu-west-1", "AWS_S3_ENDPOINT_URL": "http://127.0.0.1:9000"}, "http://127.0.0.1:9000"),
])
def test_with_s3_the_page_may_post_to_and_show_images_from_the_bucket_only(env, origin):
    csp = _csp(**S3, **env)

    assert csp["connect-src"] == f"'self' {origin}"
    assert csp["form-action"] == f"'self' {origin}"
    assert csp["img-src"].endswith(f" {origin}")


def test_with_local_storage_the_page_reaches_no_bucket():
    csp = _csp(STORAGE_BACKEND="local")

    assert (csp["connect-src"], csp["form-action"]) == ("'self'", "'self'")


def test_a_bad_upload_lifetime_stops_start_up_naming_the_variable():
    result = _django("check", AWS_S3_UPLOAD_EXPIRE="5")

    assert result.returncode != 0
    assert "AWS_S3_UPLOAD_EXPIRE=5 must be at least 10." in result.stderr
