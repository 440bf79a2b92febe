"""`Authorization: Token <key>` against accounts.ApiToken: a digest look-up that refuses expired tokens."""

from django.utils import timezone
from django.utils.crypto import constant_time_compare
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from accounts import selectors


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's header parsing, our token table: request.auth is the ApiToken (so log-out can revoke it)."""

    def authenticate_credentials(self, key: str):
        token = selectors.api_token_find(key=key)
        if token is None or token.expires_at <= timezone.now() or not _usable(token):
            # One answer for unknown, expired and revoked: a caller learns only to get a new token.
            raise exceptions.AuthenticationFailed("Invalid or expired token: ask for a new one.")
        return token.user, token


def _usable(token) -> bool:
    # Issued under the user's current password (a new hash, even from a rehash by a newer Django, ends it).
    return token.user.is_active and constant_time_compare(token.password_mark, token.user.get_session_auth_hash())
