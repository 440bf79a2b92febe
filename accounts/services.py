"""Writes on accounts: sign-up, profile changes, API tokens, log-in throttling, deleting a user and all theirs."""

import datetime
import secrets
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from accounts import selectors
from accounts.models import ApiToken, User
from cloudscendo import throttle

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


class NameTaken(Exception):
    """The name or e-mail address was taken between the form's check and the save (two sign-ups at once)."""


NAME_TAKEN_MESSAGE = "That user name or e-mail address was just taken. Please choose another."


def user_sign_up(*, form) -> User:
    """Create the account a valid SignUpForm describes; return it. Raises NameTaken if another took it first."""
    return _account_save(form.save(commit=False))


def _account_save(user: User) -> User:
    # The form checked the name and address, but a parallel sign-up can take them before this save: the
    # database's case-insensitive unique constraints refuse the second one, which the user hears about.
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        raise NameTaken(NAME_TAKEN_MESSAGE) from None
    return user


def api_token_create(*, user: User) -> str:
    """A new API token for the user, valid for API_TOKEN_TTL seconds; return its key (only its digest is kept)."""
    now = timezone.now()
    ApiToken.objects.filter(user=user, expires_at__lte=now).delete()  # expired ones are of no use to anyone
    key = secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, digest=selectors.api_token_digest(key), hint=key[:6], created_at=now,
                            expires_at=now + datetime.timedelta(seconds=settings.API_TOKEN_TTL),
                            password_mark=user.get_session_auth_hash())
    return key


def api_token_revoke(*, user: User, token_id: int) -> bool:
    """Delete one of the user's tokens; whether it was theirs to delete."""
    deleted, _ = ApiToken.objects.filter(user=user, id=token_id).delete()
    return deleted > 0


def api_tokens_revoke_all(*, user: User) -> int:
    """Delete every token of the user; return how many."""
    deleted, _ = ApiToken.objects.filter(user=user).delete()
    return deleted


def user_password_changed(*, user: User) -> None:
    """After any password change or reset: no token issued under the old password works, and the lock-out ends."""
    api_tokens_revoke_all(user=user)
    login_lock_lift(user=user)


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
    if not throttle.hit(throttle.key("guest-starts", ip), limit=settings.GUEST_STARTS_PER_HOUR, window=3600):
        raise TrialRefused("Too many trials from your network in the last hour. Sign up, or try again later.")
    guest = User(username=f"guest-{secrets.token_hex(8)}", is_guest=True, keep_images=False)
    guest.set_unusable_password()
    guest.save()
    return guest


def guest_sign_up(*, guest: User, form) -> User:
    """Turn a trial into an account from a valid SignUpForm bound to the guest: its readings stay."""
    user = form.save(commit=False)
    user.is_guest = False
    return _account_save(user)


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
    """Too many log-ins for this account or address: no password was checked.

    `account` says whether the account's counter tripped (a password reset lifts that one) rather than
    only the address's (which a reset does not lift).
    """

    def __init__(self, *, account: bool):
        super().__init__("account locked" if account else "address locked")
        self.account = account


def login_throttled(*, username: str, ip: str, check: Callable[[], Checked | None]) -> Checked | None:
    """Run a password check unless the account or address is locked out; return what it returns.

    `check` returns what a good log-in gives (a user, a form's cleaned data) or None. Each try is counted
    before the check (so parallel guesses cannot race past the limit) and a good one is uncounted.
    Raises LoginLocked, without calling `check`, while locked out.
    """
    account, address = _login_counters(username=username, ip=ip)
    window = settings.LOGIN_LOCKOUT_SECONDS
    account_ok = throttle.hit(account, limit=settings.LOGIN_FAILURES_PER_ACCOUNT, window=window)
    address_ok = throttle.hit(address, limit=settings.LOGIN_FAILURES_PER_IP, window=window)
    if not (account_ok and address_ok):
        raise LoginLocked(account=not account_ok)
    result = check()
    if result is not None:
        throttle.forget(account)  # a good log-in forgets the account's failures...
        throttle.give_back(address)  # ...but only its own try from the address's (many accounts share one NAT)
    return result


def _login_counters(*, username: str, ip: str) -> tuple[str, str]:
    # Case, surrounding spaces and compatibility look-alikes (fullwidth letters, which the log-in
    # form's NFKC folds into the same account) must not give an attacker fresh counters for one account.
    name = unicodedata.normalize("NFKC", username).strip().casefold()
    return throttle.key("login-account", name), throttle.key("login-ip", ip)


def login_lock_lift(*, user: User) -> None:
    """Forget the account's failed log-ins: a completed password reset proves the owner is back."""
    throttle.forget(_login_counters(username=user.get_username(), ip="")[0])


class Refused(Exception):
    """Too many of these requests from this address or for this account; str(error) says so to the user."""


def password_reset_throttled(*, email: str, ip: str) -> None:
    """Count a password-reset request per address and per e-mail; raise Refused past either hourly limit.

    Counted per e-mail as typed (not per existing account), so a refusal tells nothing about who has one.
    """
    per_ip = throttle.hit(throttle.key("reset-ip", ip), limit=settings.PASSWORD_RESETS_PER_IP_PER_HOUR,
                          window=3600)
    per_email = throttle.hit(throttle.key("reset-email", email.strip().lower()),
                             limit=settings.PASSWORD_RESETS_PER_EMAIL_PER_HOUR, window=3600)
    if not (per_ip and per_email):
        raise Refused("Too many password resets were asked for in the last hour. Check your mail, "
                      "or try again in an hour.")


def sign_up_throttled(*, ip: str) -> None:
    """Count an account about to be created from this address; raise Refused past SIGNUPS_PER_IP_PER_HOUR."""
    if not throttle.hit(throttle.key("signup-ip", ip), limit=settings.SIGNUPS_PER_IP_PER_HOUR, window=3600):
        raise Refused("Too many accounts were created from your network in the last hour. Try again later.")
