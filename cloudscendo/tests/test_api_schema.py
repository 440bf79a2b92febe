"""The OpenAPI schema validates without a warning, and the Swagger UI is served offline under our CSP."""

import pytest
from django.core.management import call_command

from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ENDPOINTS = {
    "/api/auth/register/": {"post"}, "/api/auth/token/": {"post"}, "/api/me/": {"get", "patch", "delete"},
    "/api/captures/": {"get", "post"}, "/api/captures/{capture_id}/": {"get", "delete"},
    "/api/captures/{capture_id}/recommendations/": {"get"},
    "/api/captures/device/": {"post"}, "/api/captures/live/": {"post"},
    "/api/recommendations/{recommendation_id}/feedback/": {"post"}, "/api/history/summary/": {"get"},
    "/api/tracks/": {"get"},
}


def test_the_schema_validates_and_fails_on_no_warning(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))


def test_the_schema_describes_every_endpoint(client):
    client.force_login(UserFactory())

    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()

    assert {path: set(methods) - {"parameters"} for path, methods in schema["paths"].items()} == ENDPOINTS
    post = schema["paths"]["/api/captures/"]["post"]
    assert set(post["requestBody"]["content"]) == {"multipart/form-data", "application/json"}
    assert set(post["responses"]) == {"201", "202", "400", "401", "403", "415", "429"}


def test_the_swagger_ui_loads_its_script_from_us_and_relaxes_styles_only(client):
    client.force_login(UserFactory())

    page = client.get("/api/docs/")
    script = client.get("/api/docs/?script=")

    html = page.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "<script>" not in html
    assert "style-src 'self' 'unsafe-inline'" in page["Content-Security-Policy"]
    assert "script-src 'self';" in page["Content-Security-Policy"]
    assert script.status_code == 200
    assert "style-src 'self';" in script["Content-Security-Policy"]
