import json
import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings

from cloudscendo.security import content_security_policy

pytestmark = pytest.mark.django_db


def test_every_page_carries_the_security_headers(client):
    response = client.get("/")

    csp = dict(part.split(" ", 1) for part in response["Content-Security-Policy"].split("; "))
    assert csp["script-src"] == "'self'"
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert csp["frame-src"] == "https://open.spotify.com https://www.youtube-nocookie.com"
    assert csp["frame-ancestors"] == "'none'"
    assert response["Permissions-Policy"].startswith("camera=(self)")
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


def test_session_and_csrf_cookies_are_http_only_where_possible_and_same_site(client, settings):
    from accounts.tests.factories import PASSWORD, UserFactory

    user = UserFactory()
    client.get("/accounts/login/")
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})

    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session["httponly"] is True
    assert session["samesite"] == "Lax"


# --- Under the production settings `make run-prod` writes (cloudscendo/prod_env.py) ---

PROBE = """
import json, django
django.setup()
from django.conf import settings
# Pages name hashed static files from collectstatic's manifest; plain names here, so nothing is collected.
settings.STORAGES = {**settings.STORAGES,
                     "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
from django.core.management import call_command
from django.test import Client
from accounts.models import User
call_command("migrate", verbosity=0)
User.objects.create_user("probe", password="a-Long-enough-passw0rd")
client = Client(HTTP_HOST="127.0.0.1")
plain = client.get("/accounts/login/")
page = client.get("/accounts/login/", secure=True)
login = client.post("/accounts/login/", {"username": "probe", "password": "a-Long-enough-passw0rd",
                                         "csrfmiddlewaretoken": page.cookies["csrftoken"].value}, secure=True)
cookie = lambda c: {"secure": c["secure"], "httponly": c["httponly"], "samesite": c["samesite"]}
print(json.dumps({"plain": [plain.status_code, plain.get("Location")], "headers": dict(page.headers),
                  "login": login.status_code, "csrf": cookie(page.cookies["csrftoken"]),
                  "session": cookie(login.cookies["sessionid"])}))
"""


def _production_env(tmp_path) -> dict[str, str]:
    from cloudscendo.prod_env import TEMPLATE

    lines = TEMPLATE.format(secret_key=secrets.token_urlsafe(50)).splitlines()
    env = dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))
    # The same settings on a scratch SQLite file, with the per-process cache and in-process tasks:
    # the probe needs no running PostgreSQL or Redis (check --deploy below keeps them).
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'probe.sqlite3'}"
    del env["CELERY_BROKER_URL"], env["CACHE_URL"]
    return env


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "CELERY_", "DJANGO_", "CACHE"))}
    return subprocess.run([sys.executable, *args], cwd=settings.BASE_DIR, capture_output=True, text=True,
                          env={**clean, "DJANGO_SETTINGS_MODULE": "cloudscendo.settings", **env}, timeout=120)


def test_production_settings_send_hsts_secure_cookies_and_redirect_to_https(tmp_path):
    result = _run(_production_env(tmp_path), "-c", PROBE)

    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    assert probe["plain"] == [301, "https://127.0.0.1/accounts/login/"]
    headers = probe["headers"]
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert (headers["X-Content-Type-Options"], headers["X-Frame-Options"]) == ("nosniff", "DENY")
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert headers["Content-Security-Policy"] == content_security_policy()
    assert probe["login"] == 302
    assert probe["session"] == {"secure": True, "httponly": True, "samesite": "Lax"}
    # Page scripts take the token from the form's hidden input, so no script needs to read the cookie.
    assert probe["csrf"] == {"secure": True, "httponly": True, "samesite": "Lax"}


def test_check_deploy_is_clean_under_the_run_prod_settings(tmp_path):
    from cloudscendo.prod_env import TEMPLATE

    env_file = tmp_path / ".env.prod"
    env_file.write_text(TEMPLATE.format(secret_key=secrets.token_urlsafe(50)), encoding="utf-8")

    result = _run({"ENV_FILE": str(env_file)}, "manage.py", "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."


def test_the_csp_allows_the_webcam_and_exactly_the_spotify_and_youtube_players_but_no_inline_script(client):
    csp = dict(part.split(" ", 1) for part in client.get("/accounts/login/")["Content-Security-Policy"].split("; "))

    assert csp["script-src"] == "'self'"
    assert csp["style-src"] == "'self'"
    assert csp["media-src"] == "'self' blob:"
    assert csp["object-src"] == "'none'"
    assert "'unsafe-eval'" not in csp["script-src"] and "'unsafe-inline'" not in csp["style-src"]
    assert csp["frame-src"] == "https://open.spotify.com https://www.youtube-nocookie.com"


def test_the_permissions_policy_gives_the_camera_to_our_pages_only(client):
    policy = dict(part.split("=", 1) for part in client.get("/capture/")["Permissions-Policy"].split(", "))

    assert policy == {"camera": "(self)", "microphone": "()", "geolocation": "()", "payment": "()"}
