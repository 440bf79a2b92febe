#!/usr/bin/env python3
"""The image's entry point: build the connection URLs from their parts, then run the given command.

On ECS the database and Redis credentials arrive as separate secrets (DB_USER, DB_PASSWORD,
REDIS_AUTH_TOKEN) next to plain DB_HOST/DB_PORT/DB_NAME and REDIS_HOST/REDIS_PORT, so no password
is ever part of a task definition. The app reads DATABASE_URL, CELERY_BROKER_URL and CACHE_URL
(cloudscendo/settings.py); a URL already set (compose.yaml, a developer) is left alone.

On ECS it also adds the task's own private address to ALLOWED_HOSTS: the load balancer's health
checks ask http://<task address>:8000/readyz, and Django answers any host it does not allow with 400.
"""

import json
import os
import sys
import urllib.request
from urllib.parse import quote

# Redis database numbers: the broker and the cache apart, as in .env.example.
BROKER_DB, CACHE_DB = 0, 1


def database_url(env: dict[str, str]) -> str | None:
    """postgres://user:password@host:port/name from DB_*, or None when DB_HOST is not set."""
    if not env.get("DB_HOST"):
        return None
    parts = {key: env.get(key, "") for key in ("DB_USER", "DB_PASSWORD", "DB_NAME")}
    missing = [key for key, value in parts.items() if not value]
    if missing:
        raise SystemExit(f"DB_HOST is set, so {', '.join(missing)} must be set too.")
    credentials = f"{quote(parts['DB_USER'], safe='')}:{quote(parts['DB_PASSWORD'], safe='')}"
    return f"postgres://{credentials}@{env['DB_HOST']}:{env.get('DB_PORT') or 5432}/{quote(parts['DB_NAME'])}"


def redis_url(env: dict[str, str], db: int) -> str | None:
    """rediss://:token@host:port/db (TLS, certificate verified) from REDIS_*, or None without REDIS_HOST."""
    if not env.get("REDIS_HOST"):
        return None
    token = env.get("REDIS_AUTH_TOKEN", "")
    auth = f":{quote(token, safe='')}@" if token else ""
    return f"rediss://{auth}{env['REDIS_HOST']}:{env.get('REDIS_PORT') or 6379}/{db}?ssl_cert_reqs=required"


def connection_urls(env: dict[str, str]) -> dict[str, str]:
    """The URLs to add to the environment: only those that are not set already and can be built."""
    urls = {"DATABASE_URL": database_url(env), "CELERY_BROKER_URL": redis_url(env, BROKER_DB),
            "CACHE_URL": redis_url(env, CACHE_DB)}
    return {name: url for name, url in urls.items() if url and not env.get(name)}


def task_address(env: dict[str, str]) -> str | None:
    """The task's private IPv4 address from the ECS container metadata endpoint, or None off ECS."""
    # https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-metadata-endpoint-v4.html
    url = env.get("ECS_CONTAINER_METADATA_URI_V4")
    if not url:
        return None
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:  # noqa: S310 - the agent's link-local endpoint
            return json.load(answer)["Networks"][0]["IPv4Addresses"][0]
    except (OSError, ValueError, KeyError, IndexError) as error:
        raise SystemExit(f"Cannot read this task's address from {url}: {error!r}") from None


def allowed_hosts(env: dict[str, str], address: str | None) -> dict[str, str]:
    """ALLOWED_HOSTS with the task's own address added, when there is one and it is not there yet."""
    hosts = [host for host in env.get("ALLOWED_HOSTS", "").split(",") if host]
    if address is None or address in hosts:
        return {}
    return {"ALLOWED_HOSTS": ",".join([*hosts, address])}


def main(argv: list[str]) -> None:
    if not argv:
        raise SystemExit("usage: entrypoint.py COMMAND [ARGS...]")
    os.environ.update(connection_urls(dict(os.environ)))
    os.environ.update(allowed_hosts(dict(os.environ), task_address(dict(os.environ))))
    os.execvp(argv[0], argv)  # noqa: S606 - the container's own command, given by the image or the task


if __name__ == "__main__":
    main(sys.argv[1:])
