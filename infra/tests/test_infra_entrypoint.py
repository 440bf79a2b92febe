"""The image's entry point builds the connection URLs from the parts ECS hands it."""

from urllib.parse import urlsplit

import dj_database_url
import pytest
from container.entrypoint import connection_urls

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
