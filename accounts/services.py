"""Writes on accounts: sign-up, profile changes, API tokens, log-in throttling, deleting a user and all theirs."""

import hashlib
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils.module_loading import import_string
from rest_framework.authtoken.models import Token

from accounts.models import User

Checked = TypeVar("Checked")

# Each app that stores a user's data names one function `(*, user) -> None` that
# removes it, stored files included. They run before the user row goes, in one
# transaction; file deletions are expected to happen on commit.
USER_DATA_ERASERS: tuple[str, ...] = ("moods.services.user_captures_erase",)


def _erasers() -> list[Callable[..., None]]:
    return [import_string(path) for path in USER_DATA_ERASERS]


def user_sign_up(*, form) -> User:
    """Create the account a valid SignUpForm describes; return it."""
    return form.save()


def user_password_set(*, username: str, email: str, password: str) -> User:
    """Create the user if missing and set their password; return the user."""
    user = User.objects.filter(username=username).first() or User(username=username, email=email)
    user.set_password(password)
    user.save()
    return user


def user_api_token(*, user: User) -> str:
    """The user's API token, created on first use."""
    token, _ = Token.objects.get_or_create(user=user)
    return token.key


def user_profile_update(*, user: User, strategy: str, keep_images: bool, player: str | None = None) -> User:
    """Save the user's strategy, photo-keeping choice and preferred player; return the user."""
    user.strategy = strategy
    user.keep_images = keep_images
    user.player = player or user.player
    user.full_clean(exclude=["password", "username", "email"])
    user.save(update_fields=["strategy", "keep_images", "player"])
    return user


@transaction.atomic
def user_delete(*, user: User) -> None:
    """Delete the user, every row of theirs and every stored file of theirs."""
    for erase in _erasers():
        erase(user=user)
    user.delete()  # rows that point at the user cascade with it


class LoginLocked(Exception):
    """Too many failed log-ins for this account or address: no password was checked."""


def login_throttled(*, username: str, ip: str, check: Callable[[], Checked | None]) -> Checked | None:
    """Run a password check unless the account or address is locked out, and count its result.

    `check` returns what a good log-in gives (a user, a form's cleaned data) or None. Raises LoginLocked,
    without calling it, while locked out.
    """
    if login_is_locked(username=username, ip=ip):
        raise LoginLocked
    result = check()
    if result is None:
        login_failure_record(username=username, ip=ip)
    else:
        login_success_record(username=username, ip=ip)
    return result


def _failure_keys(*, username: str, ip: str) -> tuple[str, str]:
    # Hashed: a username is user input, and cache keys must be short and plain.
    user = hashlib.sha256(username.strip().lower().encode()).hexdigest()
    return f"login-failures:user:{user}", f"login-failures:ip:{ip}"


def login_is_locked(*, username: str, ip: str) -> bool:
    """Whether this account or this address has failed too often in the last lock-out window."""
    user_key, ip_key = _failure_keys(username=username, ip=ip)
    counts = cache.get_many([user_key, ip_key])
    return (counts.get(user_key, 0) >= settings.LOGIN_FAILURES_PER_ACCOUNT
            or counts.get(ip_key, 0) >= settings.LOGIN_FAILURES_PER_IP)


def login_failure_record(*, username: str, ip: str) -> None:
    """Count a failed log-in against the account and the address; the window starts at the first failure."""
    for key in _failure_keys(username=username, ip=ip):
        if not cache.add(key, 1, timeout=settings.LOGIN_LOCKOUT_SECONDS):
            try:
                cache.incr(key)
            except ValueError:  # expired between add() and incr()
                cache.add(key, 1, timeout=settings.LOGIN_LOCKOUT_SECONDS)


def login_success_record(*, username: str, ip: str) -> None:
    """Forget the account's failures (not the address's) after a good log-in."""
    cache.delete(_failure_keys(username=username, ip=ip)[0])
