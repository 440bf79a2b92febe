"""Writes on accounts: profile changes and deleting a user with everything of theirs."""

from collections.abc import Callable

from django.db import transaction
from django.utils.module_loading import import_string

from accounts.models import User

# Each app that stores a user's data names one function `(*, user) -> None` that
# removes it, stored files included. They run before the user row goes, in one
# transaction; file deletions are expected to happen on commit.
USER_DATA_ERASERS: tuple[str, ...] = ("moods.services.user_captures_erase",)


def _erasers() -> list[Callable[..., None]]:
    return [import_string(path) for path in USER_DATA_ERASERS]


def user_profile_update(*, user: User, strategy: str, keep_images: bool) -> User:
    """Save the user's recommendation strategy and photo-keeping choice; return the user."""
    user.strategy = strategy
    user.keep_images = keep_images
    user.full_clean(exclude=["password", "username", "email"])
    user.save(update_fields=["strategy", "keep_images"])
    return user


@transaction.atomic
def user_delete(*, user: User) -> None:
    """Delete the user, every row of theirs and every stored file of theirs."""
    for erase in _erasers():
        erase(user=user)
    user.delete()  # rows that point at the user cascade with it
