"""moto's S3 server on a free loopback port, with the two checks of a browser's POST that moto leaves out.

Test double only. moto 5.2.5 stores whatever a form POST sends (moto/s3/responses.py,
S3Response._bucket_response_post checks neither the signature nor the policy), while S3 refuses a
POST whose policy is expired, not signed with the caller's secret, or not met by the form
(https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-HTTPPOSTConstructPolicy.html). PolicyCheck
does those checks in front of moto, so a test sees the refusal come from the policy itself.
moto's catch-all CORS is turned off: the bucket's own CORS rules answer the browser, as on S3.
"""

import base64
import datetime
import hashlib
import hmac
import io
import json
from urllib.parse import unquote

import requests
from moto.moto_server import werkzeug_app
from moto.moto_server.threaded_moto_server import ThreadedMotoServer
from werkzeug.formparser import parse_form_data
from werkzeug.serving import make_server

ACCESS_KEY = SECRET_KEY = "testing"
REGION = "us-east-1"
# Form fields a policy need not name (the AWS page above, "Condition matching").
UNSIGNED_FIELDS = {"policy", "x-amz-signature", "file"}


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


def policy_signature(*, policy: str, date: str, secret: str = SECRET_KEY, region: str = REGION) -> str:
    """SigV4 signature of a POST policy (base64 text): an HMAC chain from the secret, date, region and service."""
    key = _hmac(f"AWS4{secret}".encode(), date)
    for part in (region, "s3", "aws4_request"):
        key = _hmac(key, part)
    return hmac.new(key, policy.encode(), hashlib.sha256).hexdigest()


class Refused(Exception):
    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code = status, code


def _condition_failed(condition) -> Refused:
    failed = json.dumps(condition)
    return Refused(403, "AccessDenied", f"Invalid according to Policy: Policy Condition failed: {failed}")


def _check_condition(condition, form: dict[str, str], size: int) -> None:
    if isinstance(condition, dict):  # {"field": "value"}: an exact match
        ((name, value),) = condition.items()
        condition = ["eq", f"${name}", value]
    operator, *operands = condition
    if operator == "content-length-range":
        low, high = operands
        if size > high:
            raise Refused(400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size")
        if size < low:
            raise Refused(400, "EntityTooSmall", "Your proposed upload is smaller than the minimum allowed size")
        return
    field, expected = operands
    actual = form.get(field.removeprefix("$").lower(), "")
    if not (actual == expected if operator == "eq" else actual.startswith(expected)):
        raise _condition_failed(condition)


def _field(condition) -> str | None:
    """The form field a condition is about (None for content-length-range, which is about the file)."""
    if isinstance(condition, dict):
        return next(iter(condition)).lower()
    return condition[1].removeprefix("$").lower() if condition[0] != "content-length-range" else None


def check_post(*, bucket: str, form: dict[str, str], size: int, now: datetime.datetime) -> None:
    """Raise Refused unless S3 would take this form POST: signed, not expired, every field allowed by the policy."""
    policy_text = form.get("policy", "")
    date = form.get("x-amz-credential", "").split("/")[1:2] or [""]
    if not policy_text or not hmac.compare_digest(
            policy_signature(policy=policy_text, date=date[0]), form.get("x-amz-signature", "")):
        raise Refused(403, "SignatureDoesNotMatch", "The request signature we calculated does not match.")
    policy = json.loads(base64.b64decode(policy_text))
    if datetime.datetime.fromisoformat(policy["expiration"].replace("Z", "+00:00")) <= now:
        raise Refused(403, "AccessDenied", "Invalid according to Policy: Policy expired.")
    fields = {**form, "bucket": bucket}
    for condition in policy["conditions"]:
        _check_condition(condition, fields, size)
    named = {_field(condition) for condition in policy["conditions"]}
    extra = {name for name in form if name not in UNSIGNED_FIELDS | named and not name.startswith("x-ignore-")}
    if extra:
        names = ", ".join(sorted(extra))
        raise Refused(403, "AccessDenied", f"Invalid according to Policy: Extra input fields: {names}")


def _cors_headers(bucket_name: str, origin: str | None) -> list[tuple[str, str]]:
    """What S3 adds to a POST's answer under the bucket's CORS rules (moto adds nothing to a form POST's)."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.s3.models import s3_backends
    from moto.s3.utils import cors_matches_origin

    bucket = s3_backends[DEFAULT_ACCOUNT_ID]["aws"].buckets.get(bucket_name)
    for rule in bucket.cors if bucket and origin else ():
        if "POST" in (rule.allowed_methods or ()) and cors_matches_origin(origin, rule.allowed_origins or []):
            return [("Access-Control-Allow-Origin", origin), ("Vary", "Origin")]
    return []


class PolicyCheck:
    """WSGI middleware: a form POST to a bucket passes only if check_post() lets it; the rest goes straight to moto."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        if environ["REQUEST_METHOD"] != "POST" or not environ.get("CONTENT_TYPE", "").startswith("multipart/form-data"):
            return self.app(environ, start_response)
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        _, form, files = parse_form_data({**environ, "wsgi.input": io.BytesIO(body)})
        bucket = unquote(environ["PATH_INFO"]).strip("/").split("/")[0]
        cors = _cors_headers(bucket, environ.get("HTTP_ORIGIN"))
        size = len(files["file"].read()) if "file" in files else 0
        try:
            check_post(bucket=bucket, form={name.lower(): value for name, value in form.items()}, size=size,
                       now=datetime.datetime.now(datetime.UTC))
        except Refused as refused:
            xml = (f"<?xml version='1.0' encoding='UTF-8'?><Error><Code>{refused.code}</Code>"
                   f"<Message>{refused}</Message></Error>").encode()
            start_response(f"{refused.status} Refused", [("Content-Type", "application/xml"),
                                                         ("Content-Length", str(len(xml))), *cors])
            return [xml]
        environ["wsgi.input"] = io.BytesIO(body)
        return self.app(environ, lambda status, headers, *info: start_response(status, [*headers, *cors], *info))


class PolicyCheckedMotoServer(ThreadedMotoServer):
    """ThreadedMotoServer whose app is wrapped in PolicyCheck, with moto's allow-every-origin CORS off."""

    def _server_entry(self) -> None:
        werkzeug_app.DISABLE_GLOBAL_CORS = True  # read when moto builds each service's app
        app = PolicyCheck(werkzeug_app.DomainDispatcherApplication(werkzeug_app.create_backend_app))
        self._server = make_server(self._ip_address, self._port, app, True,
                                   request_handler=werkzeug_app.MotoRequestHandler)
        self._server_ready_event.set()
        self._server.serve_forever()

    @property
    def url(self) -> str:
        host, port = self.get_host_and_port()
        return f"http://{host}:{port}"

    def reset(self) -> None:
        """Forget every bucket and object (moto's backends live in this process, across servers)."""
        requests.post(f"{self.url}/moto-api/reset", timeout=5).raise_for_status()
