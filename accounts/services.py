"""Writes on accounts: sign-up, profile changes, API tokens, log-in throttling, deleting a user and all theirs."""

import datetime
import hashlib
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
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


CURATOR_GROUP = "curator"  # made by music's migration 0003: tracks and imports, nothing else


def demo_user_ensure(*, username: str, password_file: Path, curator: bool = False) -> str:
    """Create (or repair) a local demo login and return its password, kept in `password_file`."""
    user = User.objects.filter(username=username).first()
    password = password_file.read_text(encoding="utf-8").strip() if password_file.exists() else ""
    if user is None or not password or not user.check_password(password):
        password = secrets.token_urlsafe(9)
        user = user or User(username=username, email=f"{username}@example.com")
        user.set_password(password)
        password_file.parent.mkdir(parents=True, exist_ok=True)
        password_file.write_text(password, encoding="utf-8")
        password_file.chmod(0o600)
    user.is_staff = curator  # a curator opens the admin; its group limits it to the catalogue
    user.save()
    if curator:
        user.groups.add(Group.objects.get(name=CURATOR_GROUP))
    return password


def user_sign_up(*, form) -> User:
    """Create the account a valid SignUpForm describes; return it."""
    return form.save()


def user_api_token(*, user: User) -> str:
    """The user's API token, created on first use."""
    token, _ = Token.objects.get_or_create(user=user)
    return token.key


def user_profile_update(*, user: User, strategy: str, keep_images: bool, player: str | None = None,
                        share_corrections: bool | None = None) -> User:
    """Save the user's strategy, photo-keeping choice, preferred player and consent to count their corrections
    (None keeps the current one); return the user."""
    user.strategy = strategy
    user.keep_images = keep_images
    user.player = player or user.player
    user.share_corrections = user.share_corrections if share_corrections is None else share_corrections
    user.full_clean(exclude=["password", "username", "email"])
    user.save(update_fields=["strategy", "keep_images", "player", "share_corrections"])
    return user


class TrialRefused(Exception):
    """This address has started too many trials in the last hour."""


def guest_start(*, ip: str) -> User:
    """A visitor's trial account: no password, photos never kept; raise TrialRefused past GUEST_STARTS_PER_HOUR."""
    key = "guest-starts:" + hashlib.sha256(ip.encode()).hexdigest()[:32]
    cache.add(key, 0, timeout=3600)
    if cache.incr(key) > settings.GUEST_STARTS_PER_HOUR:
        raise TrialRefused("Too many trials from your network in the last hour. Sign up, or try again later.")
    guest = User(username=f"guest-{secrets.token_hex(8)}", is_guest=True, keep_images=False)
    guest.set_unusable_password()
    guest.save()
    return guest


def guest_sign_up(*, guest: User, form) -> User:
    """Turn a trial into an account from a valid SignUpForm bound to the guest: its readings stay."""
    user = form.save(commit=False)
    user.is_guest = False
    user.save()
    return user


def guests_expired_delete(*, now: datetime.datetime | None = None) -> int:
    """Delete every trial older than GUEST_TRIAL_SECONDS, with its readings and photos; return how many."""
    before = (now or timezone.now()) - datetime.timedelta(seconds=settings.GUEST_TRIAL_SECONDS)
    guests = list(User.objects.filter(is_guest=True, date_joined__lt=before))
    for guest in guests:
        user_delete(user=guest)
    return len(guests)


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
