"""The signed-in home (last reading, its songs, the week), a log-out that says so, and our reset mail."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from accounts.tests.factories import UserFactory
from moods.models import MoodCapture
from music.services.recommendations import playlist_create
from music.tests.factories import DoneCaptureFactory, TrackFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_signed_in_home_shows_the_last_reading_its_songs_and_the_week(client):
    TrackFactory.create_batch(12, valence=0.28, energy=0.2, mood="calm")
    user = UserFactory()
    for days, emotion in ((2, "SAD"), (1, "CALM")):
        earlier = DoneCaptureFactory(user=user, emotion=emotion)
        MoodCapture.objects.filter(id=earlier.id).update(created_at=timezone.now() - datetime.timedelta(days=days))
    last = DoneCaptureFactory(user=user, emotion="CALM")
    playlist_create(capture=last, strategy="match")  # built at commit, in-process
    client.force_login(user)

    page = client.get("/").content.decode()

    assert 'href="/capture/"' in page and "Capture your mood" in page
    assert "You picked <strong>calm</strong>" in page
    assert page.count("data-song ") == 10
    assert "This week: mostly calm (2 of 3 readings)." in page
    assert 'src="/static/js/songs.js"' in page


def test_a_home_without_readings_says_so_and_a_visitor_sees_no_reading(client):
    client.force_login(UserFactory())

    signed_in = client.get("/").content.decode()
    client.logout()
    visitor = client.get("/").content.decode()

    assert "No readings in the last seven days yet." in signed_in and "Your last reading" not in signed_in
    assert "Create a free account" in visitor and "Your last reading" not in visitor


def test_log_out_says_so(client):
    client.force_login(UserFactory())

    response = client.post("/accounts/logout/", follow=True)

    assert "You are logged out." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_reset_mail_is_ours_in_text_and_html(client):
    UserFactory(username="ada", email="ada@example.com")

    client.post("/accounts/password_reset/", {"email": "ada@example.com"})

    message = mail.outbox[0]
    html, kind = message.alternatives[0]
    assert message.subject == "Reset your Cloudscendo password"
    assert message.body.startswith("Hello ada,\n\nSomeone (we hope you) asked to reset the password")
    assert "/accounts/reset/" in message.body and "Cloudscendo — music for the face you make" in message.body
    assert kind == "text/html" and "Choose a new password</a>" in html and "/accounts/reset/" in html
