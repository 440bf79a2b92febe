"""manage.py load_default_catalogue: the starter songs and the chart hits, recommendable at once; a re-run skips."""

import shutil
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count

from music.models import CatalogueLoad, Track
from music.services.catalogue import catalogue_load
from music.services.catalogue_build import CATALOGUE_DIR, HITS, STARTER_MATCHES
from music.services.tracks import tracks_mood_set

pytestmark = pytest.mark.django_db

# sha256 of the sha256s of fixtures/starter_tracks.csv, starter_matches.csv.gz and hits.csv.gz.
SHA = "4a6bf9979a8ab876128892eade417d3121537008efb544d0dd7383c0675e312a"
# 314 starter songs + 20,033 hits - the 168 hits that are starter songs.
TRACKS = 20_179
QUEEN = "7hQJA50XrCWABAu5v6QZ4i"  # Don't Stop Me Now, a 1970s hit and one of our starter songs
OBSCURE = "1dtKN6wwlolkM8XZy2y9C1"  # Jealous Kind Of Fella, Garland Green: the first hit of the 1960s file


def emptied() -> None:
    Track.objects.all().delete()
    CatalogueLoad.objects.all().delete()


@pytest.fixture(scope="module")
def loaded_once(django_db_setup, django_db_blocker):
    """One committed load shared by this module's tests (each test's changes roll back); removed afterwards.

    The tests that need an empty database start with emptied() and come first, where it costs nothing.
    """
    with django_db_blocker.unblock():
        catalogue_load()
    yield
    with django_db_blocker.unblock():
        emptied()


def load(*args: str) -> str:
    out = StringIO()
    call_command("load_default_catalogue", *args, stdout=out)
    return out.getvalue()


def test_the_first_load_makes_every_song_with_features_recommendable_in_every_decade_and_mood():
    emptied()

    out = load()

    assert out == f"created {TRACKS}, updated 0, unchanged 0, skipped 0 (sha256 {SHA})\n"
    playable = Track.objects.filter(active=True, cell__isnull=False, spotify_id__isnull=False, valence__isnull=False,
                                    energy__isnull=False)
    assert playable.count() == 20_043  # every hit, and the 10 starter songs that matched a non-hit row
    # Starter songs take their decade from their own year: one of them is from the 1950s.
    assert sorted(set(playable.values_list("decade", flat=True))) == [1950, 1960, 1970, 1980, 1990, 2000, 2010]
    assert dict(playable.values_list("mood").annotate(Count("id"))) == {
        "happy": 13_111, "sad": 4_445, "energetic": 1_902, "calm": 585}
    assert Track.objects.filter(spotify_id__isnull=True, valence__isnull=True, cell__isnull=False).count() == 136


def test_a_starter_song_loaded_the_old_way_gets_the_id_attached_not_a_second_row():
    emptied()
    call_command("load_starter_catalogue", stdout=StringIO())
    old = Track.objects.get(name="Don't Stop Me Now", artist="Queen")

    out = load()

    assert out == f"created {TRACKS - 314}, updated 178, unchanged 136, skipped 0 (sha256 {SHA})\n"
    assert list(Track.objects.filter(name__iexact="Don't Stop Me Now").values_list("id", "spotify_id")) == [
        (old.id, QUEEN)]
    assert Track.objects.count() == TRACKS


def test_a_truncated_catalogue_file_is_refused_and_nothing_is_written(tmp_path):
    emptied()
    shutil.copy(CATALOGUE_DIR / STARTER_MATCHES, tmp_path)
    (tmp_path / HITS).write_bytes((CATALOGUE_DIR / HITS).read_bytes()[:600_000])

    with pytest.raises(CommandError) as error:
        load("--folder", str(tmp_path))

    assert str(error.value) == (
        "hits.csv.gz: cannot be read as CSV (Compressed file ended before the end-of-stream marker was reached)")
    assert (Track.objects.count(), CatalogueLoad.objects.count()) == (0, 0)


def test_a_matched_starter_song_gets_its_id_and_features_and_stays_one_row(loaded_once, default_catalogue):
    songs = Track.objects.filter(name__iexact="Don't Stop Me Now", artist__iexact="Queen")

    assert list(songs.values_list("spotify_id", "album", "year", "decade", "duration_ms", "valence", "energy",
                                  "mood", "mood_source", "pos_valence", "pos_energy")) == [
        (QUEEN, "Jazz", 1978, 1970, 209413, 0.601, 0.865, "happy", "dataset", 0.601, 0.865)]


def test_a_second_load_changes_nothing_and_says_so(loaded_once, default_catalogue):
    before = list(Track.objects.order_by("id").values_list("id", "updated_at"))

    again, forced = load(), load("--force")

    assert again == f"unchanged since the last load (sha256 {SHA})\n"
    assert forced == f"created 0, updated 0, unchanged {TRACKS}, skipped 0 (sha256 {SHA})\n"
    assert list(Track.objects.order_by("id").values_list("id", "updated_at")) == before


def test_a_curators_mood_survives_a_reload(loaded_once, default_catalogue):
    track = Track.objects.get(spotify_id=OBSCURE)
    tracks_mood_set(track_ids=[track.id], mood="sad")

    out = load("--force")

    assert out == f"created 0, updated 0, unchanged {TRACKS}, skipped 0 (sha256 {SHA})\n"
    assert Track.objects.values_list("mood", "mood_source").get(id=track.id) == ("sad", "curator")


def test_a_deleted_track_comes_back_on_the_next_load(loaded_once, default_catalogue):
    Track.objects.filter(spotify_id=OBSCURE).delete()

    out = load()

    assert out == f"created 1, updated 0, unchanged {TRACKS - 1}, skipped 0 (sha256 {SHA})\n"
    assert Track.objects.values_list("mood", "mood_source").get(spotify_id=OBSCURE) == ("happy", "derived")


@pytest.mark.django_db(transaction=True)
def test_the_fixture_gives_the_catalogue_to_a_transactional_test_too(default_catalogue):
    assert (Track.objects.count(), CatalogueLoad.objects.get().tracks) == (TRACKS, TRACKS)
