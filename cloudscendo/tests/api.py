"""Helpers for the REST API tests."""

from rest_framework.test import APIClient

from accounts import services


def token_client(user) -> APIClient:
    """An API client that authenticates as the user with a token (no session, no CSRF)."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {services.api_token_create(user=user)}")
    return client
