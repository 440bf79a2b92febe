"""manage.py load_starter_catalogue: 314 songs of ours, upserted by name and artist."""

from io import StringIO

import pytest
from django.core.management import call_command

from music.models import Track

pytestmark = pytest.mark.django_db


def load() -> str:
    out = StringIO()
    call_command("load_starter_catalogue", stdout=out)
    return out.getvalue()


def test_the_starter_catalogue_loads_once_and_a_second_run_changes_nothing():
    first, second = load(), load()

    assert first == "created 314, updated 0, unchanged 0, skipped 0\n"
    assert second == "created 0, updated 0, unchanged 314, skipped 0\n"
    assert Track.objects.filter(spotify_id__isnull=True, mood_source="dataset").count() == 314


def test_starter_songs_have_no_features_and_rank_at_their_moods_centre():
    load()

    track = Track.objects.get(name="Here Comes the Sun", artist="The Beatles")
    assert (track.album, track.year, track.decade, track.mood) == ("Abbey Road", 1969, 1960, "happy")
    assert (track.valence, track.energy, track.pos_valence, track.pos_energy) == (None, None, 0.54, 0.74)


def test_a_curators_edit_survives_a_reload():
    load()
    Track.objects.filter(name="Here Comes the Sun").update(mood="calm", mood_source="curator", album="Edited")

    out = load()

    assert out == "created 0, updated 1, unchanged 313, skipped 0\n"
    assert Track.objects.values_list("album", "mood", "mood_source").get(name="Here Comes the Sun") == (
        "Abbey Road", "calm", "curator")
