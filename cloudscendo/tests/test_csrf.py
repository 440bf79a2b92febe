"""CSRF: every URL refuses a logged-in POST without the token (403, nothing changed), and takes it with the token.

The URLs come from the resolver, so a new write route is covered the day it is
added; a view marked csrf_exempt would fail here. DRF views (the /api/ being
merged) enforce CSRF themselves under SessionAuthentication and land here too.
"""

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import User
from moods.models import MoodCapture
from music.models import Playlist, Recommendation

pytestmark = pytest.mark.django_db

# The admin's own pages (login, object forms) use the same middleware; its
# model-specific URLs need a staff user and are left to the admin tests.
ADMIN_URLS = ("admin:login", "admin:logout", "admin:password_change")
TOKEN_ARGS = {"uidb64": "MQ", "token": "set-password", "token_id": 1}  # token_id: an API token's id


def _routes(resolver: URLResolver, namespace: str = "") -> dict[str, tuple[str, ...]]:
    """Every named URL outside the admin, with the names of its parameters."""
    routes = {}
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            routes |= _routes(entry, f"{namespace}{entry.namespace}:" if entry.namespace else namespace)
        elif isinstance(entry, URLPattern) and not namespace.startswith("admin:"):
            routes[f"{namespace}{entry.name}"] = tuple(entry.pattern.regex.groupindex)
    return routes


ROUTES = _routes(get_resolver()) | dict.fromkeys(ADMIN_URLS, ())
# Routes where a forged cross-site POST has nothing to ride on: no session is
# read, so CSRF does not apply; each is checked below to really read none.
NO_SESSION = {
    "api-register": "anonymous sign-up by API: answers JSON, sets no cookie",
    "api-token": "trades a password for a token in the body, sets no cookie",
    "api-not-found": "answers 404 to any unknown /api/ path and changes nothing",
    "livez": "health probe, answered before the session middleware: GET only, reads nothing",
    "readyz": "health probe, answered before the session middleware: GET only, only reads",
    "healthz": "the alias of readyz",
}


@pytest.fixture
def listener(owned):
    client = Client(enforce_csrf_checks=True)
    client.force_login(MoodCapture.objects.get(id=owned["capture_id"]).user)
    return client, {**owned, **TOKEN_ARGS}


def _url(name: str, ids: dict) -> str:
    return reverse(name, kwargs={param: ids[param] for param in ROUTES[name]})


def _everything() -> tuple:
    return (MoodCapture.objects.count(), Playlist.objects.count(), User.objects.count(),
            list(Recommendation.objects.values_list("feedback", flat=True)),
            list(User.objects.values_list("password", "strategy", "keep_images")))


# Every field any of our forms reads, valid for each, so only the token decides.
WRITE = {"emotion": "HAPPY", "feedback": "like", "action": "new", "strategy": "uplift", "player": "spotify",
         "keep_images": "", "password": "wrong", "username": "x", "email": "x@example.com"}


@pytest.mark.parametrize("name", sorted(set(ROUTES) - set(NO_SESSION)))
def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(listener, name):
    client, ids = listener
    before = _everything()

    response = client.post(_url(name, ids), WRITE)

    assert response.status_code == 403  # the user is logged in and allowed: only the token is missing
    if not name.startswith("api-"):
        assert b"CSRF verification failed" in response.content
    assert _everything() == before


@pytest.mark.parametrize("name", ["api-register", "api-token"])
def test_the_api_routes_without_csrf_read_no_session(name):
    view = get_resolver().resolve(reverse(name)).func.view_class

    assert not view.authentication_classes


@pytest.mark.parametrize("name", ["livez", "readyz", "healthz"])
def test_a_probe_refuses_a_post_and_changes_nothing(listener, name):
    client, _ = listener
    before = _everything()

    response = client.post(reverse(name), WRITE)

    assert (response.status_code, response["Allow"]) == (405, "GET")
    assert _everything() == before


def test_the_api_catch_all_changes_nothing_even_without_a_token(listener):
    client, _ = listener
    before = _everything()

    response = client.post("/api/no-such-thing/", WRITE)

    assert (response.status_code, response.json()) == (404, {"detail": "Not found.", "code": "not_found"})
    assert _everything() == before


@pytest.mark.parametrize("name", ["capture_mood", "capture_delete", "music:feedback", "profile"])
def test_the_same_post_with_the_token_goes_through(listener, name):
    client, ids = listener
    client.get(reverse("capture"))  # sets the csrftoken cookie, as the page does
    before = _everything()

    response = client.post(_url(name, ids), {**WRITE, "csrfmiddlewaretoken": client.cookies["csrftoken"].value})

    assert response.status_code == 302
    assert _everything() != before
