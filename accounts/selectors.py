"""Reads on accounts: a user's API tokens."""

import hashlib

from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import ApiToken, User


def api_token_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def api_token_find(*, key: str) -> ApiToken | None:
    """The token row for a presented key, with its user, or None (expiry is the caller's to check)."""
    return ApiToken.objects.select_related("user").filter(digest=api_token_digest(key)).first()


def api_tokens_live(*, user: User) -> QuerySet[ApiToken]:
    """The user's tokens that still work (not expired, issued under the current password), newest first."""
    return ApiToken.objects.filter(user=user, expires_at__gt=timezone.now(),
                                   password_mark=user.get_session_auth_hash())
