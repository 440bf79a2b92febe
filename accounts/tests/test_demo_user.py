import pytest
from django.core.management import call_command

from accounts.models import User

pytestmark = pytest.mark.django_db


def test_demo_user_is_created_once_and_its_printed_password_works(settings, tmp_path, capsys, client):
    settings.VAR_DIR = tmp_path

    call_command("ensure_demo_user")
    first = capsys.readouterr().out
    call_command("ensure_demo_user")
    second = capsys.readouterr().out

    assert first == second
    password = first.split("password '")[1].split("'")[0]
    assert User.objects.filter(username="demo").count() == 1
    assert client.login(username="demo", password=password)
