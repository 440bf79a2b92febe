"""`Authorization: Token <key>` against accounts.ApiToken: a digest look-up that refuses expired tokens."""

from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from accounts import selectors


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's header parsing, our token table: request.auth is the ApiToken (so log-out can revoke it)."""

    def authenticate_credentials(self, key: str):
        token = selectors.api_token_find(key=key)
        if token is None or token.expires_at <= timezone.now() or not token.user.is_active:
            # One answer for unknown, expired and revoked: a caller learns only to get a new token.
            raise exceptions.AuthenticationFailed("Invalid or expired token: ask for a new one.")
        return token.user, token
