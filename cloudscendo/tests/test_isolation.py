"""Every URL that names an object: its owner gets it, anyone else a 404 and no bytes, a visitor the log-in page.

OBJECT_ROUTES is the table of those URLs. test_every_url_with_an_id_is_in_the_table
walks the URL resolver and fails when a pattern with a parameter is in neither
OBJECT_ROUTES nor NOT_OWNED, so a new view cannot ship without this check.
A route named twice (one URL, two methods) carries a "#method" suffix in the table.
"""

from dataclasses import dataclass, field

import pytest
from django.core.files.storage import default_storage
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.tests.factories import UserFactory
from moods.models import MoodCapture
from music.models import Playlist, Recommendation

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Route:
    method: str
    kwarg: str  # which object of the owner's the URL names: "capture_id" or "recommendation_id"
    data: dict = field(default_factory=dict)
    owner_status: int = 200
    api: bool = False  # the REST API answers a visitor 401 instead of sending them to the log-in page


OBJECT_ROUTES = {
    "capture_detail": Route("get", "capture_id"),
    "capture_status": Route("get", "capture_id"),
    "capture_photo": Route("get", "capture_id"),
    "capture_delete": Route("post", "capture_id", owner_status=302),
    "capture_correct": Route("post", "capture_id", {"emotion": "CALM"}, owner_status=302),
    # A capture analysed already is left alone by its confirmation, which then shows its page.
    "capture_upload_confirm": Route("post", "capture_id", owner_status=302),
    "music:capture_songs": Route("get", "capture_id"),
    "music:capture_songs_list": Route("get", "capture_id"),
    "music:capture_songs_change": Route("post", "capture_id", {"action": "new"}, owner_status=302),
    "music:songs_csv": Route("get", "capture_id"),
    "music:songs_m3u": Route("get", "capture_id"),
    "music:feedback": Route("post", "recommendation_id", {"feedback": "dislike"}, owner_status=302),
    "api-capture": Route("get", "capture_id", api=True),
    "api-capture#delete": Route("delete", "capture_id", owner_status=204, api=True),
    "api-capture-recommendations": Route("get", "capture_id", api=True),
    "api-feedback": Route("post", "recommendation_id", {"value": "dislike"}, api=True),
}

# Patterns with a parameter that names no listener's object, and why.
NOT_OWNED = {
    "password_reset_confirm": "a signed one-time token for a visitor, checked by Django's PasswordResetConfirmView",
    "api-photo": "a signed, expiring link handed to the owner only, like an S3 presigned URL "
                 "(moods/tests/test_api_photo_links.py)",
    "api_token_revoke": "a token id, looked up among the requester's own tokens: another's answers 404 and "
                        "stays (accounts/tests/test_api_tokens.py)",
    "api-token-detail": "the same, over the API (accounts/tests/test_api_tokens.py)",
    "history:capture_moved": "a permanent redirect to capture_detail, which checks the owner",
    "history:capture_delete_moved": "a permanent redirect to capture_delete, which checks the owner",
}
# The admin's object URLs are for staff, guarded by Django's model permissions (music/tests/test_admin_*.py).
NOT_OWNED_NAMESPACES = ("admin",)


def _patterns_with_parameters(resolver: URLResolver, namespace: str = "") -> set[str]:
    names = set()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            names |= _patterns_with_parameters(entry, inner)
        elif isinstance(entry, URLPattern) and entry.pattern.regex.groups:
            names.add(f"{namespace}{entry.name}")
    return names


def test_every_url_with_an_id_is_in_the_table():
    found = {name for name in _patterns_with_parameters(get_resolver())
             if not name.startswith(tuple(f"{ns}:" for ns in NOT_OWNED_NAMESPACES))}

    tabled = {key.split("#")[0] for key in OBJECT_ROUTES}
    assert found - tabled - set(NOT_OWNED) == set(), "add the new URL to OBJECT_ROUTES"
    assert tabled - found == set(), "a URL in OBJECT_ROUTES no longer exists"


def _request(client, name: str, owned: dict):
    route = OBJECT_ROUTES[name]
    url = reverse(name.split("#")[0], kwargs={route.kwarg: owned[route.kwarg]})
    return url, getattr(client, route.method)(url, route.data)


def _state(owned: dict) -> tuple:
    capture = MoodCapture.objects.filter(id=owned["capture_id"]).first()
    photo = default_storage.open(capture.image.name).read() if capture and capture.image else None
    feedback = list(Recommendation.objects.values_list("feedback", flat=True))
    return capture and capture.status, photo, Playlist.objects.count(), feedback


@pytest.mark.parametrize("name", OBJECT_ROUTES)
def test_another_listener_gets_404_no_bytes_and_changes_nothing(client, owned, name):
    photo = default_storage.open(MoodCapture.objects.get().image.name).read()
    before = _state(owned)
    client.force_login(UserFactory())

    _, response = _request(client, name, owned)

    assert response.status_code == 404
    body = b"".join(response) if response.streaming else response.content
    assert photo[:64] not in body and photo[-64:] not in body
    assert _state(owned) == before


@pytest.mark.parametrize("name", OBJECT_ROUTES)
def test_a_visitor_is_sent_to_log_in_and_changes_nothing(client, owned, name):
    before = _state(owned)

    url, response = _request(client, name, owned)

    if OBJECT_ROUTES[name].api:
        assert (response.status_code, response.json()["code"]) == (401, "not_authenticated")
    else:
        assert response.status_code == 302
        assert response["Location"] == f"/accounts/login/?next={url}"
    assert _state(owned) == before


@pytest.mark.parametrize("name", OBJECT_ROUTES)
def test_the_owner_gets_the_object(client, owned, name):
    # The other tests mean something only if the same request works for the owner.
    client.force_login(MoodCapture.objects.get().user)

    _, response = _request(client, name, owned)

    assert response.status_code == OBJECT_ROUTES[name].owner_status
