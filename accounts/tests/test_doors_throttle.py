"""Every door throttled (issue 13): admin log-in, password reset, sign-up, token; lock-out counts cannot be raced."""

import contextlib
import threading

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.test import Client
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from rest_framework.test import APIClient

from accounts import services
from accounts.models import User
from accounts.tests.factories import PASSWORD, UserFactory
from conftest import TEST_REDIS_URL

pytestmark = pytest.mark.django_db

LOCKED = "Too many failed log-ins. Wait 15 minutes, or reset your password."
RESETS_REFUSED = "Too many password resets were asked for in the last hour."
SIGNUPS_REFUSED = "Too many accounts were created from your network in the last hour."


def test_the_admin_log_in_locks_out_after_five_failures_even_with_the_right_password(client):
    staff = UserFactory(is_staff=True, is_superuser=True)
    for _ in range(5):
        assert LOCKED not in client.post("/admin/login/", {"username": staff.username, "password": "wrong"}
                                         ).content.decode()

    response = client.post("/admin/login/", {"username": staff.username, "password": PASSWORD})

    assert response.status_code == 200
    assert LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_admin_and_the_site_share_one_counter_per_account(client):
    staff = UserFactory(is_staff=True)
    for _ in range(5):
        client.post("/accounts/login/", {"username": staff.username, "password": "wrong"})

    response = client.post("/admin/login/", {"username": staff.username, "password": PASSWORD})

    assert LOCKED in response.content.decode()


def _reset(client, email: str, ip: str):
    return client.post("/accounts/password_reset/", {"email": email}, REMOTE_ADDR=ip)


def test_password_resets_per_address_stop_at_the_hourly_limit_and_send_no_more_mail(client, settings):
    settings.PASSWORD_RESETS_PER_IP_PER_HOUR = 3
    users = UserFactory.create_batch(4)
    for user in users[:3]:
        assert _reset(client, user.email, "203.0.113.7").status_code == 302

    response = _reset(client, users[3].email, "203.0.113.7")

    assert response.status_code == 429
    assert RESETS_REFUSED in response.content.decode()
    assert [message.to for message in mail.outbox] == [[user.email] for user in users[:3]]
    assert _reset(client, users[3].email, "198.51.100.1").status_code == 302  # another address is not held


def test_password_resets_per_account_stop_from_any_address(client, settings):
    settings.PASSWORD_RESETS_PER_EMAIL_PER_HOUR = 3
    user = UserFactory()
    for n in range(3):
        assert _reset(client, user.email, f"203.0.113.{n}").status_code == 302

    response = _reset(client, user.email.upper(), "198.51.100.1")  # case gives no fresh counter

    assert response.status_code == 429
    assert len(mail.outbox) == 3


def test_an_unknown_address_is_counted_like_a_known_one(client, settings):
    # A refusal must not tell whether the address has an account.
    settings.PASSWORD_RESETS_PER_EMAIL_PER_HOUR = 1
    _reset(client, "nobody@example.com", "203.0.113.1")

    response = _reset(client, "nobody@example.com", "203.0.113.2")

    assert response.status_code == 429
    assert mail.outbox == []


def _sign_up(client, name: str, ip: str = "203.0.113.7"):
    return client.post("/accounts/signup/", {"username": name, "email": f"{name}@example.com",
                                             "password1": PASSWORD, "password2": PASSWORD}, REMOTE_ADDR=ip)


def test_web_sign_ups_per_address_stop_at_the_hourly_limit_and_create_nothing(settings):
    settings.SIGNUPS_PER_IP_PER_HOUR = 2
    assert [_sign_up(Client(), name).status_code for name in ("ann", "bob")] == [302, 302]

    response = _sign_up(Client(), "cy")

    assert response.status_code == 429
    assert SIGNUPS_REFUSED in response.content.decode()
    assert sorted(User.objects.values_list("username", flat=True)) == ["ann", "bob"]


def test_api_register_shares_the_sign_up_limit(client, settings):
    settings.SIGNUPS_PER_IP_PER_HOUR = 1
    _sign_up(client, "ann")

    response = APIClient().post("/api/auth/register/", {"username": "bob", "email": "bob@example.com",
                                                        "password": PASSWORD}, format="json",
                                REMOTE_ADDR="203.0.113.7")

    assert response.status_code == 429
    assert response.json()["detail"].startswith(SIGNUPS_REFUSED)
    assert not User.objects.filter(username="bob").exists()


def test_api_token_requests_per_address_stop_at_api_auth_rate(settings):
    settings.API_AUTH_RATE = "3/min"
    UserFactory(username="ada")
    client = APIClient()
    answers = [client.post("/api/auth/token/", {"username": "ada", "password": PASSWORD}, format="json").status_code
               for _ in range(4)]

    assert answers == [200, 200, 200, 429]


def _race(attempts: int) -> list[str]:
    """`attempts` parallel guesses at one account; the passwords checked."""
    checked, start = [], threading.Barrier(attempts)

    def guess(n: int) -> None:
        start.wait()
        with contextlib.suppress(services.LoginLocked):
            services.login_throttled(username="victim", ip=f"203.0.113.{n}", check=lambda: checked.append(n))

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return checked


def test_forty_parallel_guesses_get_five_password_checks(settings):
    assert len(_race(40)) == settings.LOGIN_FAILURES_PER_ACCOUNT


@pytest.mark.redis
def test_forty_parallel_guesses_get_five_password_checks_on_redis(settings):
    # Production's cache: every thread has its own connection, as every gunicorn worker has.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": TEST_REDIS_URL, "KEY_PREFIX": "doors-race"}}
    from django.core.cache import cache

    cache.clear()
    try:
        assert len(_race(40)) == settings.LOGIN_FAILURES_PER_ACCOUNT
    finally:
        cache.clear()


def test_a_completed_password_reset_lifts_the_lock_out_as_the_message_says(client):
    user = UserFactory()
    for _ in range(6):
        client.post("/accounts/login/", {"username": user.username, "password": "wrong"})
    link = f"/accounts/reset/{urlsafe_base64_encode(force_bytes(user.pk))}/{default_token_generator.make_token(user)}/"
    form_page = client.get(link)  # Django moves the token into the session, then shows the form

    done = client.post(form_page.url, {"new_password1": "An0ther-long-passw0rd", "new_password2":
                                       "An0ther-long-passw0rd"})
    response = client.post("/accounts/login/", {"username": user.username, "password": "An0ther-long-passw0rd"})

    assert done.status_code == 302
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
