import pytest
from django.contrib.sessions.models import Session
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

from accounts import services
from accounts.models import User
from accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

STORED: dict[int, str] = {}


def erase_test_files(*, user: User) -> None:
    """A data eraser like the ones apps register: deletes this user's stored file."""
    default_storage.delete(STORED.pop(user.pk))


def test_deleting_the_account_removes_the_user_their_files_and_their_session(client, monkeypatch):
    # given a user with a stored file and a registered eraser for it
    user, other = UserFactory(), UserFactory()
    STORED[user.pk] = default_storage.save("captures/photo.jpg", ContentFile(b"jpeg"))
    monkeypatch.setattr(services, "USER_DATA_ERASERS", (f"{__name__}.erase_test_files",))
    client.force_login(user)

    # when
    response = client.post(reverse("account_delete"), {"password": PASSWORD})

    # then
    assert response.status_code == 302
    assert list(User.objects.values_list("pk", flat=True)) == [other.pk]
    assert not default_storage.exists("captures/photo.jpg")
    assert not Session.objects.exists()
    assert client.get(reverse("profile")).status_code == 302


def test_a_wrong_password_deletes_nothing(client, monkeypatch):
    user = UserFactory()
    client.force_login(user)

    response = client.post(reverse("account_delete"), {"password": "not-it"})

    assert response.status_code == 200
    assert "That is not your password." in response.content.decode()
    assert User.objects.filter(pk=user.pk).exists()


def test_delete_page_needs_a_login(client):
    assert client.post(reverse("account_delete"), {"password": PASSWORD}).status_code == 302
