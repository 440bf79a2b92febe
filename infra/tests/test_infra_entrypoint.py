"""The image's entry point builds the connection URLs from the parts ECS hands it."""

import json
from urllib.parse import urlsplit

import dj_database_url
import pytest
from container.entrypoint import allowed_hosts, connection_urls, task_address

ECS = {"DB_HOST": "db.internal", "DB_PORT": "5432", "DB_NAME": "cloudscendo", "DB_USER": "cloudscendo",
       "DB_PASSWORD": "p@ss:w/rd#1", "REDIS_HOST": "cache.internal", "REDIS_PORT": "6379",
       "REDIS_AUTH_TOKEN": "t0ken/with@odd:chars"}


def test_urls_are_built_from_parts_with_credentials_escaped():
    urls = connection_urls(ECS)
    assert urls == {
        "DATABASE_URL": "postgres://cloudscendo:p%40ss%3Aw%2Frd%231@db.internal:5432/cloudscendo",
        "CELERY_BROKER_URL": "rediss://:t0ken%2Fwith%40odd%3Achars@cache.internal:6379/0?ssl_cert_reqs=required",
        "CACHE_URL": "rediss://:t0ken%2Fwith%40odd%3Achars@cache.internal:6379/1?ssl_cert_reqs=required",
    }
    database = dj_database_url.parse(urls["DATABASE_URL"])
    assert (database["USER"], database["PASSWORD"], database["HOST"], database["NAME"]) == (
        "cloudscendo", "p@ss:w/rd#1", "db.internal", "cloudscendo")
    assert urlsplit(urls["CELERY_BROKER_URL"]).hostname == "cache.internal"


def test_a_url_already_set_is_left_alone():
    urls = connection_urls({**ECS, "DATABASE_URL": "postgres://me@elsewhere/db"})
    assert sorted(urls) == ["CACHE_URL", "CELERY_BROKER_URL"]


def test_nothing_is_built_without_hosts():
    assert connection_urls({"DB_USER": "x", "REDIS_AUTH_TOKEN": "y"}) == {}


def test_a_database_host_without_credentials_stops_the_container():
    with pytest.raises(SystemExit, match=r"DB_HOST is set, so DB_USER, DB_PASSWORD must be set too\."):
        connection_urls({"DB_HOST": "db.internal", "DB_NAME": "cloudscendo"})


@pytest.fixture
def metadata_endpoint():
    """A stand-in for the ECS agent's container metadata endpoint, on loopback."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Metadata(BaseHTTPRequestHandler):
        def do_GET(self):
            body = json.dumps({"Networks": [{"NetworkMode": "awsvpc", "IPv4Addresses": ["10.0.4.17"]}]}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Metadata)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/v4/container"
    server.shutdown()


def test_on_ecs_the_task_address_is_allowed_so_health_checks_are_answered(metadata_endpoint):
    env = {"ALLOWED_HOSTS": "cloudscendo.example.com", "ECS_CONTAINER_METADATA_URI_V4": metadata_endpoint}
    address = task_address(env)
    assert address == "10.0.4.17"
    assert allowed_hosts(env, address) == {"ALLOWED_HOSTS": "cloudscendo.example.com,10.0.4.17"}
    assert allowed_hosts({"ALLOWED_HOSTS": "10.0.4.17"}, address) == {}


def test_off_ecs_nothing_is_added():
    assert task_address({"ALLOWED_HOSTS": "localhost"}) is None
    assert allowed_hosts({"ALLOWED_HOSTS": "localhost"}, None) == {}


def test_an_unreadable_metadata_endpoint_stops_the_container():
    with pytest.raises(SystemExit, match=r"Cannot read this task's address from http://127\.0\.0\.1:9/"):
        task_address({"ECS_CONTAINER_METADATA_URI_V4": "http://127.0.0.1:9/"})
