"""manage.py recommend: the list a listener would get, as text or JSON."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from music.tests.factories import DoneCaptureFactory

pytestmark = pytest.mark.django_db


def test_the_command_prints_ten_calm_songs_as_json(starter_catalogue):
    out = StringIO()

    call_command("recommend", "--emotion", "calm", "--json", stdout=out)

    rows = json.loads(out.getvalue())
    assert [row["rank"] for row in rows] == list(range(1, 11))
    assert {row["mood"] for row in rows} == {"calm"}
    assert rows[0]["reason"] == "a calm song — close to how you look"


def test_the_command_prints_an_uplift_path_for_a_user(starter_catalogue):
    user = DoneCaptureFactory().user
    out = StringIO()

    call_command("recommend", "--emotion", "SAD", "--strategy", "uplift", "--user", user.username, stdout=out)

    lines = out.getvalue().splitlines()
    assert len(lines) == 10
    assert lines[0].startswith(" 1. ")
    assert lines[-1].endswith("step 10 of 10 towards brighter and livelier — a happy song")


def test_an_unknown_user_is_refused():
    with pytest.raises(CommandError, match="no user named 'nobody'"):
        call_command("recommend", "--emotion", "SAD", "--user", "nobody", stdout=StringIO())
