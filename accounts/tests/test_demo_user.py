import pytest
from django.core.management import call_command

from accounts.models import User

pytestmark = pytest.mark.django_db


def _password(out: str, username: str) -> str:
    line = next(line for line in out.splitlines() if f"username '{username}'" in line)
    return line.split("password '")[1].split("'")[0]


def test_demo_logins_are_created_once_and_their_printed_passwords_work(settings, tmp_path, capsys, client):
    settings.VAR_DIR = tmp_path

    call_command("ensure_demo_user")
    first = capsys.readouterr().out
    call_command("ensure_demo_user")
    second = capsys.readouterr().out

    assert first == second
    assert first.splitlines()[0].startswith("Demo login: username 'demo', password '")
    assert first.splitlines()[0].endswith("' (a listener)")
    assert first.splitlines()[1].startswith("Curator login: username 'curator', password '")
    assert first.splitlines()[1].endswith("' (opens /admin/: tracks and imports only)")
    assert User.objects.filter(username__in=["demo", "curator"]).count() == 2
    assert client.login(username="demo", password=_password(first, "demo"))


def test_the_demo_curator_opens_the_admin_for_tracks_and_imports_and_nothing_else(settings, tmp_path, capsys,
                                                                                  client):
    settings.VAR_DIR = tmp_path
    call_command("ensure_demo_user")
    client.login(username="curator", password=_password(capsys.readouterr().out, "curator"))

    tracks, users = client.get("/admin/music/track/"), client.get("/admin/accounts/user/")

    assert (tracks.status_code, users.status_code) == (200, 403)
    assert not User.objects.get(username="demo").is_staff
