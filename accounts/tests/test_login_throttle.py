import pytest
from django.urls import reverse

from accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOCKED = "Too many failed log-ins. Wait 15 minutes, or reset your password."


def _log_in(client, username: str, password: str, ip: str = "203.0.113.7"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_five_failures_lock_the_account_even_with_the_right_password(client):
    user = UserFactory()
    for _ in range(5):
        assert LOCKED not in _log_in(client, user.username, "wrong").content.decode()

    response = _log_in(client, user.username, PASSWORD)

    assert response.status_code == 200
    assert LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_lock_is_per_account(client):
    locked, other = UserFactory(), UserFactory()
    for _ in range(5):
        _log_in(client, locked.username, "wrong", ip="203.0.113.1")

    assert _log_in(client, other.username, PASSWORD, ip="203.0.113.2").status_code == 302


def test_one_address_trying_many_accounts_is_locked(client, settings):
    settings.LOGIN_FAILURES_PER_IP = 3
    victim = UserFactory()
    for name in ("a", "b", "c"):
        _log_in(client, name, "guess")

    response = _log_in(client, victim.username, PASSWORD)

    assert LOCKED in response.content.decode()
    assert _log_in(client, victim.username, PASSWORD, ip="198.51.100.9").status_code == 302


def test_a_good_log_in_forgets_earlier_failures_of_the_account(client):
    user = UserFactory()
    for _ in range(4):
        _log_in(client, user.username, "wrong")
    assert _log_in(client, user.username, PASSWORD).status_code == 302
    client.post(reverse("logout"))

    for _ in range(4):
        _log_in(client, user.username, "wrong")

    assert _log_in(client, user.username, PASSWORD).status_code == 302
