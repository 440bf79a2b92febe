"""The API's photo links: signed for one capture, short-lived, and the only permission they carry."""

import time

import pytest
from django.core import signing
from django.test import Client

from cloudscendo.tests.api import token_client
from moods.tests.factories import MoodCaptureFactory

pytestmark = pytest.mark.django_db


def _link(capture) -> str:
    url = token_client(capture.user).get(f"/api/captures/{capture.id}/").json()["image_url"]
    return url.removeprefix("http://testserver")


def test_the_link_serves_the_photo_without_a_session():
    capture = MoodCaptureFactory()

    response = Client().get(_link(capture))

    assert (response.status_code, response["Content-Type"]) == (200, "image/jpeg")
    assert b"".join(response.streaming_content) == capture.image.open("rb").read()


def test_a_tampered_link_is_not_found():
    capture, other = MoodCaptureFactory(), MoodCaptureFactory()
    link = _link(capture)
    forged = link.replace(f"/photos/{capture.id}:", f"/photos/{other.id}:")

    assert forged != link
    assert Client().get(forged).status_code == 404


def test_an_expired_link_is_not_found(settings, monkeypatch):
    settings.PHOTO_URL_EXPIRE_SECONDS = 300
    link = _link(MoodCaptureFactory())
    now = time.time()
    monkeypatch.setattr(signing.time, "time", lambda: now + 301)

    assert Client().get(link).status_code == 404


def test_a_link_to_a_deleted_capture_is_not_found():
    capture = MoodCaptureFactory()
    link = _link(capture)
    token_client(capture.user).delete(f"/api/captures/{capture.id}/")

    assert Client().get(link).status_code == 404
