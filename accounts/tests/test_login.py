import pytest
from django.core import mail
from django.urls import reverse

from accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_login_then_logout(client):
    user = UserFactory()

    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("profile")).status_code == 200

    client.post(reverse("logout"))
    assert client.get(reverse("profile")).status_code == 302


def test_login_with_a_wrong_password_is_refused(client):
    user = UserFactory()

    response = client.post(reverse("login"), {"username": user.username, "password": "wrong"})

    assert response.status_code == 200
    assert "Please enter a correct username and password." in response.content.decode()


def test_password_change(client):
    user = UserFactory()
    client.force_login(user)

    response = client.post(reverse("password_change"), {
        "old_password": PASSWORD, "new_password1": "An0ther-good-one", "new_password2": "An0ther-good-one",
    })

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("An0ther-good-one")


def test_password_reset_sends_a_working_link(client):
    user = UserFactory()

    client.post(reverse("password_reset"), {"email": user.email})

    assert len(mail.outbox) == 1
    link = next(word for word in mail.outbox[0].body.split() if "/reset/" in word)
    path = link.split("testserver", 1)[1]
    form_page = client.get(path, follow=True)
    response = client.post(form_page.redirect_chain[-1][0], {
        "new_password1": "Res3t-and-fine", "new_password2": "Res3t-and-fine",
    })
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Res3t-and-fine")
