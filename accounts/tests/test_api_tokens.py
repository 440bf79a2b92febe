"""API tokens (issue 13): they expire, die with a password change or log-out; their owner lists and revokes them."""

import datetime

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from rest_framework.test import APIClient

from accounts import services
from accounts.models import ApiToken, User
from accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "An0ther-long-passw0rd"
EXPIRED = {"detail": "Invalid or expired token: ask for a new one.", "code": "authentication_failed"}


def _as(key: str) -> APIClient:
    return APIClient(HTTP_AUTHORIZATION=f"Token {key}")


def _logged_in_with_tokens(client, count: int) -> list[str]:
    """Log a new user in on the site; return the keys of `count` API tokens of theirs."""
    user = UserFactory()
    keys = [services.api_token_create(user=user) for _ in range(count)]
    client.force_login(user)
    return keys


def _statuses(keys: list[str]) -> list[int]:
    return [_as(key).get("/api/me/").status_code for key in keys]


def test_a_token_lives_api_token_ttl_seconds(settings):
    settings.API_TOKEN_TTL = 3600
    key = APIClient().post("/api/auth/token/", {"username": UserFactory().username, "password": PASSWORD},
                           format="json").json()["token"]

    token = ApiToken.objects.get()
    assert token.expires_at - token.created_at == datetime.timedelta(seconds=3600)
    assert _as(key).get("/api/me/").status_code == 200


def test_an_expired_token_is_refused():
    user = UserFactory()
    key = services.api_token_create(user=user)
    ApiToken.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))

    response = _as(key).get("/api/me/")

    assert response.status_code == 401
    assert response.json() == EXPIRED


def test_only_a_digest_of_the_token_is_stored():
    key = services.api_token_create(user=UserFactory())

    token = ApiToken.objects.get()
    assert key not in (token.digest, token.hint) and token.hint == key[:6]


def test_a_password_change_revokes_every_token(client):
    keys = _logged_in_with_tokens(client, 2)

    response = client.post("/accounts/password_change/", {"old_password": PASSWORD, "new_password1": NEW_PASSWORD,
                                                          "new_password2": NEW_PASSWORD})

    assert response.status_code == 302
    assert _statuses(keys) == [401, 401]
    assert not ApiToken.objects.exists()


def test_a_completed_password_reset_revokes_every_token(client):
    user = UserFactory()
    key = services.api_token_create(user=user)
    link = f"/accounts/reset/{urlsafe_base64_encode(force_bytes(user.pk))}/{default_token_generator.make_token(user)}/"

    form = client.get(link)
    client.post(form.url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert _as(key).get("/api/me/").status_code == 401


def test_a_password_set_in_the_admin_revokes_every_token(client):
    user = UserFactory()
    key = services.api_token_create(user=user)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    response = client.post(f"/admin/accounts/user/{user.id}/password/",
                           {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"})

    assert response.status_code == 302
    assert _as(key).get("/api/me/").status_code == 401


def test_a_password_changed_where_no_service_hears_of_it_still_ends_every_token(client):
    # The admin's page that sets a user's password and `manage.py changepassword` call no service of ours.
    admin_user, user = UserFactory(is_staff=True, is_superuser=True), UserFactory()
    key = services.api_token_create(user=user)
    client.force_login(admin_user)

    response = client.post(f"/admin/accounts/user/{user.pk}/password/", {
        "password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"})

    assert response.status_code == 302
    assert _as(key).get("/api/me/").json() == EXPIRED


def test_logging_out_of_the_site_revokes_every_token_and_says_so(client):
    keys = _logged_in_with_tokens(client, 2)

    response = client.post("/accounts/logout/", follow=True)

    assert "You are logged out. Your API tokens no longer work." in response.content.decode()
    assert _statuses(keys) == [401, 401]


def test_api_log_out_revokes_the_token_it_came_with_and_no_other():
    user = UserFactory()
    used, other = services.api_token_create(user=user), services.api_token_create(user=user)

    response = _as(used).post("/api/auth/logout/")

    assert response.status_code == 204
    assert _as(used).get("/api/me/").status_code == 401
    assert _as(other).get("/api/me/").status_code == 200


def test_the_owner_lists_live_tokens_and_sees_which_one_is_in_use():
    user = UserFactory()
    first, second = services.api_token_create(user=user), services.api_token_create(user=user)
    services.api_token_create(user=UserFactory())  # someone else's

    rows = _as(first).get("/api/auth/tokens/").json()

    assert [(row["hint"], row["current"]) for row in rows] == [(second[:6], False), (first[:6], True)]


def test_the_owner_revokes_one_token_and_cannot_touch_anyone_elses():
    user, stranger = UserFactory(), UserFactory()
    mine, spare = services.api_token_create(user=user), services.api_token_create(user=user)
    theirs = services.api_token_create(user=stranger)
    spare_id = ApiToken.objects.get(hint=spare[:6]).id

    revoked = _as(mine).delete(f"/api/auth/tokens/{spare_id}/")
    refused = _as(theirs).delete(f"/api/auth/tokens/{ApiToken.objects.get(hint=mine[:6]).id}/")

    assert (revoked.status_code, refused.status_code) == (204, 404)
    assert _as(spare).get("/api/me/").status_code == 401
    assert _as(mine).get("/api/me/").status_code == 200


def test_the_settings_page_lists_tokens_and_revokes_them(client):
    user = UserFactory()
    key = services.api_token_create(user=user)
    client.force_login(user)

    page = client.get("/accounts/profile/").content.decode()
    response = client.post(f"/accounts/tokens/{ApiToken.objects.get().id}/revoke/")

    assert f"<code>{key[:6]}…</code>" in page
    assert response.status_code == 302
    assert _as(key).get("/api/me/").status_code == 401


def test_the_settings_page_cannot_revoke_anyone_elses_token(client):
    key = services.api_token_create(user=UserFactory())
    client.force_login(UserFactory())

    response = client.post(f"/accounts/tokens/{ApiToken.objects.get().id}/revoke/")

    assert response.status_code == 404
    assert _as(key).get("/api/me/").status_code == 200


def test_revoke_all_on_the_settings_page(client):
    keys = _logged_in_with_tokens(client, 3)

    response = client.post("/accounts/tokens/revoke/", follow=True)

    assert "3 API tokens revoked" in response.content.decode()
    assert _statuses(keys) == [401, 401, 401]


def test_deleting_the_account_through_the_api_needs_the_password():
    user = UserFactory()
    key = services.api_token_create(user=user)

    missing = _as(key).delete("/api/me/", {}, format="json")
    wrong = _as(key).delete("/api/me/", {"password": "a stolen token is not enough"}, format="json")

    assert (missing.status_code, wrong.status_code) == (400, 400)
    assert wrong.json()["fields"] == {"password": ["That is not your password."]}
    assert User.objects.filter(id=user.id).exists()
    assert _as(key).delete("/api/me/", {"password": PASSWORD}, format="json").status_code == 204
    assert not User.objects.filter(id=user.id).exists()


def test_guessing_the_password_to_delete_the_account_is_throttled(settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 2
    user = UserFactory()
    key = services.api_token_create(user=user)
    for _ in range(2):
        _as(key).delete("/api/me/", {"password": "guess"}, format="json")

    response = _as(key).delete("/api/me/", {"password": PASSWORD}, format="json")

    assert response.status_code == 429
    assert User.objects.filter(id=user.id).exists()
