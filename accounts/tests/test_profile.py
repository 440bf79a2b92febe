import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_profile_saves_strategy_player_and_photo_choice(client):
    user = UserFactory()
    client.force_login(user)

    response = client.post(reverse("profile"), {"strategy": "uplift", "player": "spotify"})

    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.strategy, user.player, user.keep_images) == ("uplift", "spotify", False)


def test_profile_rejects_an_unknown_strategy_and_changes_nothing(client):
    user = UserFactory()
    client.force_login(user)

    response = client.post(reverse("profile"), {"strategy": "random", "player": "auto", "keep_images": "on"})

    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()
    user.refresh_from_db()
    assert (user.strategy, user.keep_images) == ("match", True)


def test_profile_needs_a_login(client):
    response = client.get(reverse("profile"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_counting_corrections_is_off_until_the_listener_opts_in_on_the_profile(client):
    user = UserFactory()
    client.force_login(user)
    page = client.get(reverse("profile")).content.decode()

    client.post(reverse("profile"), {"strategy": "match", "player": "auto", "share_corrections": "on"})

    assert "let my corrections help choose the next expression model" in page.lower()
    assert UserFactory().share_corrections is False
    user.refresh_from_db()
    assert user.share_corrections is True


def test_the_privacy_page_names_the_same_opt_in_as_the_settings(client):
    from accounts.models import User

    label = User._meta.get_field("share_corrections").verbose_name

    assert f"turn on “{label}”" in " ".join(client.get("/privacy/").content.decode().split())
