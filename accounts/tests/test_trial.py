"""Trying it without an account: a trial user whose readings and photos go when the trial ends."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from accounts.tests.factories import PASSWORD, UserFactory
from moods.models import MoodCapture
from moods.tests.factories import stored_files
from moods.tests.images import astronaut_jpeg

pytestmark = pytest.mark.django_db(transaction=True)  # analyses and song lists run at commit, in-process


def start(client):
    response = client.post("/accounts/try/")
    return response, User.objects.get(is_guest=True)


def test_a_visitor_tries_it_and_nothing_is_left_when_the_trial_ends(client):
    response, guest = start(client)
    client.post("/capture/", {"photo": _photo(), "source": "upload"})
    client.post("/capture/mood/", {"emotion": "CALM"})
    captures = list(MoodCapture.objects.filter(user=guest).values_list("source", "status", "image"))

    ended = client.post("/accounts/logout/", follow=True)

    assert (response.status_code, response["Location"]) == (302, "/capture/")
    assert (guest.keep_images, guest.has_usable_password()) == (False, False)
    assert sorted(captures) == [("manual", "done", ""), ("upload", "done", "")]  # the photo went once read
    assert "Your trial has ended. Nothing of it was kept." in ended.content.decode()
    assert not User.objects.filter(id=guest.id).exists() and not MoodCapture.objects.exists()
    assert stored_files() == []


def test_an_abandoned_trial_is_swept_after_its_time_with_its_readings(client, settings):
    settings.GUEST_TRIAL_SECONDS = 3600
    _, old = start(client)
    client.post("/capture/mood/", {"emotion": "SAD"})
    User.objects.filter(id=old.id).update(date_joined=timezone.now() - datetime.timedelta(seconds=3601))
    fresh = User.objects.create(username="guest-fresh", is_guest=True)
    member = UserFactory()

    call_command("guests_sweep")

    assert set(User.objects.values_list("id", flat=True)) == {fresh.id, member.id}
    assert not MoodCapture.objects.filter(user_id=old.id).exists()


def test_signing_up_during_a_trial_keeps_its_readings(client):
    _, guest = start(client)
    client.post("/capture/mood/", {"emotion": "HAPPY"})

    response = client.post("/accounts/signup/", {"username": "ada", "email": "ada@example.com",
                                                  "password1": PASSWORD, "password2": PASSWORD}, follow=True)

    user = User.objects.get(username="ada")
    assert (user.id, user.is_guest, user.check_password(PASSWORD)) == (guest.id, False, True)
    assert list(MoodCapture.objects.filter(user=user).values_list("emotion", flat=True)) == ["HAPPY"]
    assert "Your readings from the trial are kept." in response.content.decode()
    client.post("/accounts/logout/")
    assert User.objects.filter(id=user.id).exists()  # an account's log-out deletes nothing


def test_one_address_may_start_only_so_many_trials_an_hour(client, settings):
    settings.GUEST_STARTS_PER_HOUR = 2
    for _ in range(2):
        client.post("/accounts/try/")
        client.post("/accounts/logout/")

    refused = client.post("/accounts/try/", follow=True)

    assert "Too many trials from your network in the last hour." in refused.content.decode()
    assert not User.objects.filter(is_guest=True).exists()
    assert "_auth_user_id" not in client.session


def _photo():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("me.jpg", astronaut_jpeg(), content_type="image/jpeg")
