"""Writes for the API: the moods services, with the recommendation strategy chosen per capture."""

from django.db import transaction

from accounts.models import User
from moods import services
from moods.models import MoodCapture


@transaction.atomic
def capture_submit_photo(*, user: User, photo: bytes, group: bool, strategy: str | None) -> MoodCapture:
    """Queue an uploaded photo's analysis (services.capture_create_from_photo); raise photos.PhotoRejected."""
    capture = services.capture_create_from_photo(user=user, photo=photo, source=MoodCapture.Source.UPLOAD,
                                                 group=group)
    return _strategy_apply(capture, strategy)


@transaction.atomic
def capture_submit_mood(*, user: User, emotion: str, strategy: str | None) -> MoodCapture:
    """Record a mood picked by hand (services.capture_create_manual); raise ValueError for an unknown emotion."""
    return _strategy_apply(services.capture_create_manual(user=user, emotion=emotion), strategy)


def _strategy_apply(capture: MoodCapture, strategy: str | None) -> MoodCapture:
    # Same transaction as the creation: the analysis and the first song list, which run after
    # commit, already read the chosen strategy.
    if strategy and strategy != capture.strategy:
        MoodCapture.objects.filter(id=capture.id).update(strategy=strategy)
        capture.strategy = strategy
    return capture
