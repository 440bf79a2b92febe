import pytest

pytestmark = pytest.mark.django_db


def test_every_page_carries_the_security_headers(client):
    response = client.get("/")

    csp = dict(part.split(" ", 1) for part in response["Content-Security-Policy"].split("; "))
    assert csp["script-src"] == "'self'"
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert csp["frame-src"] == "https://www.youtube-nocookie.com"
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
