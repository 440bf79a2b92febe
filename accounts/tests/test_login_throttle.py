import pytest
from django.urls import reverse

from accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOCKED = "Too many failed log-ins. Wait 15 minutes, or reset your password."
# An address's lock says nothing of a reset: a reset lifts an account's lock only.
LOCKED_ADDRESS = "Too many failed log-ins from your network. Wait 15 minutes, then try again."


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

    assert LOCKED_ADDRESS in response.content.decode()
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


def test_case_and_spaces_do_not_give_an_attacker_fresh_counters(client):
    user = UserFactory()
    name = user.username
    for n, variant in enumerate((name.upper(), f" {name}", name.title(), f"{name} ", f" {name.upper()} ")):
        _log_in(client, variant, "wrong", ip=f"203.0.113.{n}")  # a new address each time: the account counts

    assert LOCKED in _log_in(client, user.username, PASSWORD, ip="198.51.100.1").content.decode()


def test_compatibility_look_alikes_of_a_name_share_its_counter(client):
    # Fullwidth letters log in as the plain name (the form folds them with NFKC), so they must count for it.
    user = UserFactory(username="rootuser")
    fullwidth = "".join(chr(ord(letter) + 0xFEE0) for letter in "root") + "user"
    for n, variant in enumerate((fullwidth, fullwidth.upper(), f" {fullwidth}", "ROOTUSER", fullwidth)):
        _log_in(client, variant, "wrong", ip=f"203.0.113.{n}")

    assert LOCKED in _log_in(client, user.username, PASSWORD, ip="198.51.100.1").content.decode()


def test_an_address_lock_does_not_promise_that_a_reset_lifts_it(client, settings):
    settings.LOGIN_FAILURES_PER_IP = 2
    for name in ("a", "b"):
        _log_in(client, name, "guess")

    page = _log_in(client, "c", "guess").content.decode()

    assert LOCKED_ADDRESS in page
    assert "reset your password" not in page


def test_a_forged_x_forwarded_for_does_not_reset_the_address_counter(client, settings):
    # Not behind our TLS proxy (BEHIND_TLS_PROXY=0): the header is the attacker's, and is ignored.
    settings.LOGIN_FAILURES_PER_IP = 3
    for n in range(3):
        client.post(reverse("login"), {"username": f"guess{n}", "password": "x"}, REMOTE_ADDR="203.0.113.7",
                    HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")

    response = client.post(reverse("login"), {"username": "guess9", "password": "x"}, REMOTE_ADDR="203.0.113.7",
                           HTTP_X_FORWARDED_FOR="192.0.2.200")

    assert LOCKED_ADDRESS in response.content.decode()


def test_behind_the_proxy_only_the_hop_it_appended_counts(client, settings):
    # A client can prepend anything to X-Forwarded-For; the load balancer appends the real address last.
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.LOGIN_FAILURES_PER_IP = 3
    victim = UserFactory()
    for n in range(3):
        client.post(reverse("login"), {"username": f"guess{n}", "password": "x"}, REMOTE_ADDR="10.0.0.2",
                    HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 203.0.113.7", HTTP_X_FORWARDED_PROTO="https")

    locked = client.post(reverse("login"), {"username": victim.username, "password": PASSWORD},
                         REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="192.0.2.99, 203.0.113.7",
                         HTTP_X_FORWARDED_PROTO="https")
    other = client.post(reverse("login"), {"username": victim.username, "password": PASSWORD},
                        REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.8", HTTP_X_FORWARDED_PROTO="https")

    assert LOCKED_ADDRESS in locked.content.decode()
    assert other.status_code == 302


def test_a_locked_log_in_checks_no_password(client, monkeypatch):
    user = UserFactory()
    for _ in range(5):
        _log_in(client, user.username, "wrong")
    checked = []
    monkeypatch.setattr("accounts.models.User.check_password", lambda self, raw: checked.append(raw) or True)

    _log_in(client, user.username, PASSWORD)

    assert checked == []


def test_a_signed_in_session_cannot_guess_the_password_on_the_change_form(client):
    # A stolen session cookie must not become a password oracle: the old-password check is counted too.
    user = UserFactory()
    client.force_login(user)
    for _ in range(5):
        client.post(reverse("password_change"), {"old_password": "wrong", "new_password1": "N3w-passw0rd-x",
                                                 "new_password2": "N3w-passw0rd-x"}, REMOTE_ADDR="203.0.113.7")

    response = client.post(reverse("password_change"), {"old_password": PASSWORD, "new_password1": "N3w-passw0rd-x",
                                                         "new_password2": "N3w-passw0rd-x"}, REMOTE_ADDR="203.0.113.8")

    assert response.status_code == 200
    assert LOCKED in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_a_signed_in_session_cannot_guess_the_password_on_the_delete_form(client):
    user = UserFactory()
    client.force_login(user)
    for _ in range(5):
        client.post(reverse("account_delete"), {"password": "wrong"}, REMOTE_ADDR="203.0.113.7")

    response = client.post(reverse("account_delete"), {"password": PASSWORD}, REMOTE_ADDR="203.0.113.8")

    assert response.status_code == 200
    assert LOCKED in response.content.decode()
    assert type(user).objects.filter(pk=user.pk).exists()


def test_the_admins_password_change_counts_its_old_password_checks_too(client):
    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    for _ in range(5):
        client.post("/admin/password_change/", {"old_password": "wrong", "new_password1": "N3w-passw0rd-x",
                                                "new_password2": "N3w-passw0rd-x"})

    locked = client.post("/admin/password_change/", {"old_password": PASSWORD, "new_password1": "N3w-passw0rd-x",
                                                     "new_password2": "N3w-passw0rd-x"})

    assert LOCKED in locked.content.decode()
    staff.refresh_from_db()
    assert staff.check_password(PASSWORD)


def test_the_admins_password_change_still_works_and_ends_in_the_admin(client):
    staff = UserFactory(is_staff=True)
    client.force_login(staff)

    response = client.post("/admin/password_change/", {"old_password": PASSWORD, "new_password1": "N3w-passw0rd-x",
                                                       "new_password2": "N3w-passw0rd-x"})

    assert response.status_code == 302
    assert response.url == "/admin/password_change/done/"
    staff.refresh_from_db()
    assert staff.check_password("N3w-passw0rd-x")
