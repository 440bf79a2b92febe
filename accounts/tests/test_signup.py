import pytest
from django.urls import reverse

from accounts.models import User
from accounts.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_signup_creates_the_user_and_logs_them_in(client):
    response = client.post(reverse("signup"), {
        "username": "ada", "email": "ada@example.com", "password1": PASSWORD, "password2": PASSWORD,
    })

    assert response.status_code == 302
    assert response["Location"] == reverse("capture")
    user = User.objects.get(username="ada")
    assert (user.email, user.strategy, user.keep_images) == ("ada@example.com", "match", True)
    assert client.get(reverse("profile")).status_code == 200


def test_signup_with_a_weak_password_shows_the_rule_and_creates_nothing(client):
    response = client.post(reverse("signup"), {
        "username": "ada", "email": "ada@example.com", "password1": "12345678", "password2": "12345678",
    })

    assert response.status_code == 200
    assert "This password is entirely numeric." in response.content.decode()
    assert not User.objects.exists()


def test_signup_requires_an_email(client):
    response = client.post(reverse("signup"), {"username": "ada", "password1": PASSWORD, "password2": PASSWORD})

    assert response.status_code == 200
    assert response.context["form"].errors["email"] == ["This field is required."]
    assert not User.objects.exists()
