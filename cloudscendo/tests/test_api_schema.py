"""The OpenAPI schema validates without a warning, and our docs page shows all of it under the strict CSP."""

import re

import pytest
from django.core.management import call_command

from accounts.tests.factories import UserFactory
from cloudscendo.api_docs import description_html, type_text

pytestmark = pytest.mark.django_db

ENDPOINTS = {
    "/api/auth/register/": {"post"}, "/api/auth/token/": {"post"}, "/api/me/": {"get", "patch", "delete"},
    "/api/auth/tokens/": {"get"}, "/api/auth/tokens/{token_id}/": {"delete"}, "/api/auth/logout/": {"post"},
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
    assert set(post["responses"]) == {"201", "202", "400", "401", "403", "413", "415", "429"}


def test_the_docs_page_shows_every_endpoint_and_type_from_the_schema_under_the_strict_csp(client):
    client.force_login(UserFactory())
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()

    page = client.get("/api/docs/")

    html = page.content.decode()
    assert page.status_code == 200
    assert "<script" not in html
    assert "'unsafe-inline'" not in page["Content-Security-Policy"]
    operations = {f'{method.upper()} {path}' for path, methods in schema["paths"].items() for method in methods
                  if method != "parameters"}
    shown = set(re.findall(r'<span class="api-method[^"]*">(\w+)</span> <code>([^<]+)</code>', html))
    assert {f"{method} {path}" for method, path in shown} == operations
    assert set(re.findall(r'<h3 id="type-(\w+)">', html)) == set(schema["components"]["schemas"])
    assert "list of Face" in html and "<p>Not logged in: send a session cookie" in html


def test_the_docs_page_asks_a_visitor_to_log_in(client):
    response = client.get("/api/docs/")

    assert (response.status_code, response.url) == (302, "/accounts/login/?next=/api/docs/")


def test_type_text_puts_a_schema_in_words():
    assert type_text({"type": "array", "items": {"$ref": "#/components/schemas/Track"}}) == "list of Track"
    assert type_text({"type": "number", "format": "double", "nullable": True}) == "number (double) or null"
    assert type_text({"oneOf": [{"$ref": "#/components/schemas/EmotionEnum"},
                                {"$ref": "#/components/schemas/BlankEnum"}]}) == "EmotionEnum or BlankEnum"
    assert type_text({"enum": ["HAPPY", "SAD", ""]}) == "one of HAPPY, SAD"
    assert type_text({"enum": [""]}) == "empty string"


def test_description_html_escapes_and_renders_code_and_value_lists():
    text = "Default: the user's <own>.\n\n* `match` - Match my mood\n* `uplift` - Lift it"

    assert description_html(text) == ("<p>Default: the user&#x27;s &lt;own&gt;.</p><ul><li><code>match</code> - Match "
                                      "my mood</li><li><code>uplift</code> - Lift it</li></ul>")
    assert description_html("") == ""
