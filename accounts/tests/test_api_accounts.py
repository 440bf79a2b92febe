"""/api/auth/register/, /api/auth/token/ and /api/me/: sign-up rules, log-in throttling, profile, deletion."""

import hashlib

import pytest
from rest_framework.test import APIClient

from accounts.models import ApiToken, User
from accounts.tests.factories import PASSWORD, UserFactory
from cloudscendo.tests.api import token_client
from moods.models import MoodCapture
from moods.tests.factories import MoodCaptureFactory, stored_files

pytestmark = pytest.mark.django_db


def test_register_creates_the_user_and_answers_it_without_the_password():
    response = APIClient().post("/api/auth/register/", {"username": "ada", "email": "ada@example.com",
                                                        "password": PASSWORD}, format="json")

    assert response.status_code == 201
    user = User.objects.get(username="ada")
    assert response.json() == {"id": user.id, "username": "ada", "email": "ada@example.com", "strategy": "match",
                               "player": "auto", "keep_images": True}
    assert user.check_password(PASSWORD)


def test_register_enforces_the_password_rules_and_creates_nobody():
    response = APIClient().post("/api/auth/register/", {"username": "ada", "email": "ada@example.com",
                                                        "password": "12345678"}, format="json")

    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "The request is not valid."
    assert body["code"] == "invalid"
    assert body["fields"]["password"] == ["This password is too common.", "This password is entirely numeric."]
    assert not User.objects.exists()


def test_register_refuses_a_taken_username_and_a_missing_email():
    UserFactory(username="ada")

    response = APIClient().post("/api/auth/register/", {"username": "ada", "password": PASSWORD}, format="json")

    assert response.status_code == 400
    assert response.json()["fields"] == {"email": ["This field is required."]}
    assert User.objects.count() == 1


def test_register_is_throttled_per_address_with_retry_after(settings):
    settings.API_AUTH_RATE = "2/min"
    client = APIClient()
    for name in ("ada", "bob"):
        assert client.post("/api/auth/register/", {"username": name, "email": f"{name}@example.com",
                                                   "password": PASSWORD}, format="json").status_code == 201

    response = client.post("/api/auth/register/", {"username": "cy", "email": "cy@example.com",
                                                   "password": PASSWORD}, format="json")

    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    assert 0 < int(response["Retry-After"]) <= 60
    assert not User.objects.filter(username="cy").exists()


def test_token_for_a_right_password():
    user = UserFactory(username="ada")

    response = APIClient().post("/api/auth/token/", {"username": "ada", "password": PASSWORD}, format="json")

    assert response.status_code == 200
    key = response.json()["token"]
    assert ApiToken.objects.get(user=user).digest == hashlib.sha256(key.encode()).hexdigest()
    me = APIClient(HTTP_AUTHORIZATION=f"Token {key}").get("/api/me/")
    assert me.json()["username"] == "ada"


def test_no_token_for_a_wrong_password():
    UserFactory(username="ada")

    response = APIClient().post("/api/auth/token/", {"username": "ada", "password": "wrong"}, format="json")

    assert response.status_code == 400
    assert response.json()["fields"] == {"password": ["The username or the password is wrong."]}
    assert not ApiToken.objects.exists()


def test_token_uses_the_log_in_lock_out_even_for_the_right_password(settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 2
    UserFactory(username="ada")
    client = APIClient()
    for _ in range(2):
        client.post("/api/auth/token/", {"username": "ada", "password": "wrong"}, format="json")

    response = client.post("/api/auth/token/", {"username": "ada", "password": PASSWORD}, format="json")

    assert response.status_code == 429
    assert response.json() == {"detail": "Too many failed log-ins. Expected available in 900 seconds.",
                               "code": "throttled"}
    assert response["Retry-After"] == str(settings.LOGIN_LOCKOUT_SECONDS)
    assert not ApiToken.objects.exists()


def test_me_shows_the_profile():
    user = UserFactory(username="ada", strategy="uplift")

    response = token_client(user).get("/api/me/")

    assert response.status_code == 200
    assert response.json() == {"id": user.id, "username": "ada", "email": "ada@example.com", "strategy": "uplift",
                               "player": "auto", "keep_images": True}


def test_me_patch_changes_only_what_is_sent():
    user = UserFactory(strategy="match", keep_images=True)

    response = token_client(user).patch("/api/me/", {"keep_images": False}, format="json")

    assert response.status_code == 200
    user.refresh_from_db()
    assert (user.strategy, user.keep_images, user.player) == ("match", False, "auto")
    assert response.json()["keep_images"] is False


def test_me_patch_sets_the_preferred_player_and_refuses_an_unknown_one():
    user = UserFactory()

    assert token_client(user).patch("/api/me/", {"player": "spotify"}, format="json").status_code == 200
    response = token_client(user).patch("/api/me/", {"player": "vinyl"}, format="json")

    assert response.status_code == 400
    user.refresh_from_db()
    assert user.player == "spotify"


def test_me_patch_refuses_an_unknown_strategy_and_changes_nothing():
    user = UserFactory(strategy="match")

    response = token_client(user).patch("/api/me/", {"strategy": "shuffle"}, format="json")

    assert response.status_code == 400
    assert response.json()["fields"] == {"strategy": ['"shuffle" is not a valid choice.']}
    user.refresh_from_db()
    assert user.strategy == "match"


def test_me_delete_removes_the_account_its_captures_and_photos(django_capture_on_commit_callbacks):
    capture = MoodCaptureFactory()
    assert stored_files()

    with django_capture_on_commit_callbacks(execute=True):
        response = token_client(capture.user).delete("/api/me/", {"password": PASSWORD}, format="json")

    assert response.status_code == 204
    assert not User.objects.filter(id=capture.user_id).exists()
    assert not MoodCapture.objects.exists()
    assert stored_files() == []


def test_me_needs_authentication():
    response = APIClient().get("/api/me/")

    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided.",
                               "code": "not_authenticated"}
    assert response["WWW-Authenticate"] == "Token"


def test_a_session_write_without_its_csrf_token_is_refused_and_changes_nothing():
    user = UserFactory(strategy="match")
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user)

    response = client.patch("/api/me/", {"strategy": "uplift"}, format="json")

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert response.json()["detail"].startswith("CSRF Failed")
    user.refresh_from_db()
    assert user.strategy == "match"


def test_me_patch_wants_a_real_boolean_and_changes_nothing_otherwise():
    user = UserFactory(keep_images=True)

    response = token_client(user).patch("/api/me/", {"keep_images": 0}, format="json")

    assert response.status_code == 400
    assert response.json()["fields"] == {"keep_images": ["Must be a valid boolean."]}
    user.refresh_from_db()
    assert user.keep_images is True
