"""Deleting an account deletes every stored photo of the user (the moods data eraser)."""

import pytest

from accounts import services as account_services
from accounts.tests.factories import PASSWORD
from moods.models import MoodCapture
from moods.tests.factories import MoodCaptureFactory, stored_files

pytestmark = pytest.mark.django_db


def test_the_moods_eraser_is_registered():
    assert "moods.services.user_captures_erase" in account_services.USER_DATA_ERASERS


def test_deleting_the_account_deletes_the_users_captures_and_photos_but_not_others(
        client, django_capture_on_commit_callbacks):
    # given two photos and a manual mood of one user, and another user's photo
    mine = MoodCaptureFactory()
    MoodCaptureFactory(user=mine.user)
    MoodCaptureFactory(user=mine.user, source="manual", image="", status="done", emotion="CALM")
    theirs = MoodCaptureFactory()
    client.force_login(mine.user)

    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/delete/", {"password": PASSWORD})

    # then
    assert response.status_code == 302
    assert list(MoodCapture.objects.values_list("id", flat=True)) == [theirs.id]
    assert stored_files() == [theirs.image.name]


def test_a_wrong_password_leaves_captures_and_photos_alone(client, django_capture_on_commit_callbacks):
    capture = MoodCaptureFactory()
    client.force_login(capture.user)

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/delete/", {"password": "not-it"})

    assert list(MoodCapture.objects.values_list("id", flat=True)) == [capture.id]
    assert stored_files() == [capture.image.name]
