"""manage.py recommend: the list a listener would get, as text or JSON."""

import itertools
import json
import math
from collections import Counter
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from music.affect import EMOTION_TARGETS
from music.models import Track
from music.ranking import artist_key
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


def test_on_the_default_catalogue_every_emotion_and_strategy_gives_ten_playable_songs(default_catalogue):
    lists = {}
    for emotion in EMOTION_TARGETS:
        for strategy in ("match", "uplift"):
            out = StringIO()
            call_command("recommend", "--emotion", emotion, "--strategy", strategy, "--json", stdout=out)
            lists[emotion, strategy] = json.loads(out.getvalue())

    for (emotion, strategy), rows in lists.items():
        tracks = Track.objects.in_bulk([row["id"] for row in rows])
        assert len(rows) == 10, (emotion, strategy)
        assert max(Counter(artist_key(row["artist"]) for row in rows).values()) <= 2, (emotion, strategy)
        assert all(tracks[row["id"]].spotify_id and tracks[row["id"]].has_features for row in rows), (emotion, strategy)
        if strategy == "uplift":
            goal = EMOTION_TARGETS[emotion].uplift_to
            steps = [math.dist((row["valence"], row["energy"]), goal) for row in rows]
            assert all(later <= earlier for earlier, later in itertools.pairwise(steps)), (emotion, steps)
            assert steps[-1] < steps[0], emotion
