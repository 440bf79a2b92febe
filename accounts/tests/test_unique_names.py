"""Issue 13: one account per e-mail address and per name, regardless of case, and no look-alike names."""

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

CYRILLIC_ROOT = "r\u043e\u043et"  # r, two Cyrillic o's, t: looks like "root"
LOOK_ALIKE = ("This username mixes look-alike letters of different alphabets (such as a Cyrillic "
              "\u201c\u043e\u201d in a Latin name). Use letters of one alphabet.")


def _sign_up(client, username: str, email: str):
    return client.post("/accounts/signup/", {"username": username, "email": email, "password1": PASSWORD,
                                             "password2": PASSWORD})


@pytest.mark.parametrize(("username", "email", "field", "message"), [
    ("Root", "other@example.com", "username", "A user with that username already exists."),
    ("other", "ROOT@Example.com", "email", "An account already uses this e-mail address."),
    (CYRILLIC_ROOT, "other@example.com", "username", LOOK_ALIKE),
])
def test_sign_up_refuses_a_taken_name_or_address_in_any_case_and_look_alike_names(client, username, email, field,
                                                                                  message):
    UserFactory(username="root", email="root@example.com")

    response = _sign_up(client, username, email)

    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert list(User.objects.values_list("username", flat=True)) == ["root"]


def test_a_name_in_one_other_alphabet_is_welcome(client):
    assert _sign_up(client, "\u0418\u0432\u0430\u043d", "ivan@example.com").status_code == 302  # Иван


def test_sign_up_stores_the_nfkc_form_of_the_name(client):
    _sign_up(client, "\uff41\uff44\uff41", "ada@example.com")  # full-width "ada"

    assert User.objects.get().username == "ada"


def test_api_register_applies_the_same_rules():
    UserFactory(username="root", email="root@example.com")
    client = APIClient()

    answers = [client.post("/api/auth/register/", {"username": name, "email": email, "password": PASSWORD},
                           format="json") for name, email in (("ROOT", "a@example.com"),
                                                              ("another", "Root@EXAMPLE.com"),
                                                              (CYRILLIC_ROOT, "b@example.com"))]

    assert [answer.status_code for answer in answers] == [400, 400, 400]
    assert [answer.json()["fields"] for answer in answers] == [
        {"username": ["A user with that username already exists."]},
        {"email": ["An account already uses this e-mail address."]}, {"username": [LOOK_ALIKE]}]
    assert User.objects.count() == 1


def test_the_admin_applies_the_same_rules_when_adding_and_renaming(client):
    UserFactory(username="root", email="root@example.com")
    other = UserFactory(username="other", email="other@example.com")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    added = client.post("/admin/accounts/user/add/", {"username": CYRILLIC_ROOT, "email": "x@example.com",
                                                      "usable_password": "true", "password1": PASSWORD,
                                                      "password2": PASSWORD})
    renamed = client.post(f"/admin/accounts/user/{other.id}/change/", {
        "username": "other", "email": "ROOT@example.com", "date_joined_0": "2026-01-01", "date_joined_1": "00:00:00",
        "strategy": "match", "player": "auto", "keep_images": "on", "is_active": "on"})

    assert added.context["adminform"].form.errors["username"] == [LOOK_ALIKE]
    assert renamed.context["adminform"].form.errors["email"] == ["An account already uses this e-mail address."]
    other.refresh_from_db()
    assert (other.email, User.objects.count()) == ("other@example.com", 3)


def test_the_database_refuses_a_second_account_with_the_same_name_in_another_case():
    from django.db import IntegrityError, transaction

    UserFactory(username="root", email="root@example.com")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="ROOT", email="else@example.com")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="else", email="Root@Example.com")


def _taken_after_the_check(monkeypatch):
    # Two sign-ups at once: the other one saves "Root" between this form's check and its save.
    from accounts import services

    save = services._account_save

    def racing(user):
        UserFactory(username="ROOT", email="first@example.com")
        return save(user)

    monkeypatch.setattr(services, "_account_save", racing)


def test_a_sign_up_that_loses_a_race_for_the_name_is_told_so_and_saves_nothing(client, monkeypatch):
    _taken_after_the_check(monkeypatch)

    response = _sign_up(client, "root", "second@example.com")

    assert response.status_code == 409
    assert response.context["form"].non_field_errors() == [
        "That user name or e-mail address was just taken. Please choose another."]
    assert list(User.objects.values_list("username", flat=True)) == ["ROOT"]


def test_an_api_register_that_loses_the_race_answers_400(monkeypatch):
    _taken_after_the_check(monkeypatch)

    response = APIClient().post("/api/auth/register/", {"username": "root", "email": "second@example.com",
                                                         "password": PASSWORD}, format="json")

    assert response.status_code == 400, response.content
    assert "just taken" in str(response.json())
    assert list(User.objects.values_list("username", flat=True)) == ["ROOT"]
