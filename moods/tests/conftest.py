import os
import shutil
import threading
from pathlib import Path

import pytest

from moods.tests.rekognition_server import FakeRekognition


@pytest.fixture
def fake_rekognition():
    """Start FakeRekognition servers: `start(answers, stall_first=False)`; all are closed at the end."""
    servers = []

    def start(answers: list[tuple[int, dict]], *, stall_first: bool = False) -> FakeRekognition:
        servers.append(FakeRekognition(answers, stall_first=stall_first))
        threading.Thread(target=servers[-1].serve_forever, daemon=True).start()
        return servers[-1]

    yield start
    for server in servers:
        server.close()


def _npm_missing(*, node: bool) -> str | None:
    """Why face-api's npm files (and, with node=True, Node to run them) are not usable here."""
    from django.conf import settings

    if node and shutil.which("node") is None:
        return "node is not on PATH (Node 20 runs face-api's reference)"
    packages = ("@vladmandic/face-api", "@tensorflow/tfjs", "@tensorflow/tfjs-backend-wasm") if node \
        else ("@vladmandic/face-api",)
    missing = [name for name in packages if not (Path(settings.BASE_DIR) / "node_modules" / name).is_dir()]
    return f"node_modules lacks {', '.join(missing)} (run `npm ci`)" if missing else None


def _skip_or_fail(reason: str | None) -> None:
    if reason and os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(f"{reason} (REQUIRE_SERVICES=1)", pytrace=False)
    if reason:
        pytest.skip(reason)


@pytest.fixture(scope="session")
def faceapi_files() -> None:
    """face-api's model files from `npm ci`: skip without them, or fail when REQUIRE_SERVICES=1."""
    _skip_or_fail(_npm_missing(node=False))


@pytest.fixture(scope="session")
def faceapi_node() -> None:
    """Node and face-api's npm packages to run its reference: skip, or fail when REQUIRE_SERVICES=1."""
    _skip_or_fail(_npm_missing(node=True))


@pytest.fixture
def s3_server(monkeypatch, settings):
    """moto's S3 server (with S3's POST policy checks) holding the photos, and STORAGE_BACKEND=s3.

    Yields the server; `s3_server.client` is a boto3 client on it, `s3_server.bucket` the bucket's name.
    """
    import boto3

    from cloudscendo.aws import client_config
    from moods.tests.s3_server import ACCESS_KEY, REGION, SECRET_KEY, PolicyCheckedMotoServer

    for key, value in {"AWS_ACCESS_KEY_ID": ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
                       "AWS_DEFAULT_REGION": REGION}.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    server = PolicyCheckedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    # The options settings._default_storage() gives STORAGE_BACKEND=s3, on moto's endpoint; an IP
    # endpoint is addressed path-style whatever the setting.
    config = client_config(connect_timeout=2, read_timeout=5, signature_version="s3v4",
                           s3={"addressing_style": "path"})
    server.bucket = "cloudscendo-direct-uploads"
    server.client = boto3.session.Session().client("s3", region_name=REGION, endpoint_url=server.url, config=config)
    server.client.create_bucket(Bucket=server.bucket)
    settings.STORAGE_BACKEND = "s3"
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
        "bucket_name": server.bucket, "region_name": REGION, "endpoint_url": server.url, "location": "captures",
        "client_config": config, "default_acl": None, "file_overwrite": False, "querystring_auth": True,
        "querystring_expire": 300, "object_parameters": {"ServerSideEncryption": "AES256"}}}}
    yield server
    server.reset()
    server.stop()
