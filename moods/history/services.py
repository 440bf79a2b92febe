"""Writes from the history page: erase every capture of a user, stored photos included."""

from django.db import transaction

from accounts.models import User
from moods import services


@transaction.atomic
def captures_delete_all(*, user: User) -> int:
    """Delete all the user's captures (their songs cascade); photos go once this commits. Return how many."""
    services.user_captures_erase(user=user)  # the same eraser account deletion uses
    _, per_model = user.captures.all().delete()
    return per_model.get("moods.MoodCapture", 0)
