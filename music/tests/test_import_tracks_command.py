"""manage.py import_tracks on the real shared CSVs, on the other known schemas, and on broken files."""

import gzip
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from music.models import Track
from music.tests.factories import TrackFactory

pytestmark = pytest.mark.django_db

DUPLICATE = "duplicate of an earlier row (same Spotify id, or same name and artist)"


def run(*args) -> str:
    out = StringIO()
    call_command("import_tracks", *map(str, args), stdout=out, stderr=StringIO())
    return out.getvalue()


def write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_every_shared_spotify_file_imports_and_a_second_run_changes_nothing(shared_data):
    files = [shared_data / "spotify" / "data_moods.csv",
             *sorted((shared_data / "spotify" / "hit_predictor").glob("*.csv"))]

    first = run(*files)
    second = run(*files)

    assert first.splitlines()[0] == "created 41191, updated 0, unchanged 0, skipped 601"
    assert second.splitlines()[0] == "created 0, updated 0, unchanged 41191, skipped 601"
    assert f"skipped 601: {DUPLICATE}" in second
    assert Track.objects.count() == 41191
    assert Track.objects.filter(mood="").count() == 0


def test_data_moods_rows_keep_their_label_features_and_date_precision(shared_data):
    run(shared_data / "spotify" / "data_moods.csv")

    prince = Track.objects.get(spotify_id="2H7PHVdQ3mXqEHXcvclTB0")
    assert (prince.name, prince.artist, prince.album) == ("1999", "Prince", "1999")
    assert (prince.release_date, prince.year, prince.decade) == ("1982-10-27", 1982, 1980)
    assert (prince.mood, prince.mood_source) == ("happy", "dataset")
    assert (prince.valence, prince.energy, prince.duration_ms, prince.popularity) == (0.625, 0.73, 379266, 68)
    assert (prince.pos_valence, prince.pos_energy) == (0.625, 0.73)
    lengths = sorted(len(date) for date in Track.objects.values_list("release_date", flat=True))
    assert (lengths.count(4), lengths.count(7), lengths.count(10)) == (37, 3, 646)


def test_hit_predictor_rows_lose_the_uri_prefix_and_get_their_decade_and_a_derived_mood(shared_data):
    run(shared_data / "spotify" / "hit_predictor" / "dataset-of-60s.csv")

    track = Track.objects.get(spotify_id="1dtKN6wwlolkM8XZy2y9C1")
    assert (track.name, track.artist, track.decade, track.year) == (
        "Jealous Kind Of Fella", "Garland Green", 1960, None)
    assert (track.valence, track.energy, track.mode, track.key) == (0.845, 0.62, 1, 3)
    assert (track.mood, track.mood_source) == ("happy", "derived")


def test_a_mostly_broken_csv_is_refused_with_a_clear_message_and_nothing_is_written(tmp_path):
    TrackFactory(name="Already here")
    broken = write(tmp_path, "broken.csv", "name,artist,album,year,mood\n"
                   "Fine,Someone,Album,2001,Happy\nBad,Someone,Album,20x1,Happy\nWorse,Other,Album,1999,Furious\n")

    with pytest.raises(CommandError) as error:
        run(broken)

    assert str(error.value) == ("broken.csv: 2 of 3 rows are broken, nothing was imported "
                                "(line 3: year is not a number in 1000..2100; "
                                "line 4: mood is not Happy, Sad, Energetic or Calm)")
    assert list(Track.objects.values_list("name", flat=True)) == ["Already here"]


def test_a_good_file_next_to_a_broken_one_is_not_imported_either(tmp_path, shared_data):
    broken = write(tmp_path, "broken.csv", "name,artist,album,year,mood\nBad,Someone,Album,20x1,Happy\n")

    with pytest.raises(CommandError):
        run(shared_data / "spotify" / "data_moods.csv", broken)

    assert Track.objects.count() == 0


def test_a_file_of_no_known_schema_is_refused_before_anything_is_written(tmp_path):
    other = write(tmp_path, "weather.csv", "city,temperature\nOslo,3\n")

    with pytest.raises(CommandError) as error:
        run(other)

    assert str(error.value).startswith("not a known track schema (columns: city, temperature); known: moods, "
                                       "hit_predictor, tracks114k, labelled278k, starter, catalogue.")
    assert Track.objects.count() == 0


def test_a_few_bad_rows_are_skipped_and_reported_with_their_line_numbers(tmp_path):
    path = write(tmp_path, "starter.csv", "name,artist,album,year,mood\r\nOne,A,X,2001,Happy\r\nTwo,B,X,2002,Sad\r\n"
                 "Three,C,X,2003,Calm\r\n,D,X,2004,Calm\r\n")

    out = run(path)

    assert out == ("created 3, updated 0, unchanged 0, skipped 1\n"
                   "  skipped 1: no Spotify id, and no name and artist (lines starter.csv:5)\n")
    assert list(Track.objects.order_by("year").values_list("name", "year", "mood", "mood_source")) == [
        ("One", 2001, "happy", "dataset"), ("Two", 2002, "sad", "dataset"), ("Three", 2003, "calm", "dataset")]


def test_the_114k_schema_joins_artists_and_keeps_one_row_per_track_across_genres(tmp_path):
    header = ("track_id,artists,album_name,track_name,popularity,duration_ms,explicit,danceability,energy,key,loudness,"
              "mode,speechiness,acousticness,instrumentalness,liveness,valence,tempo,time_signature,track_genre\n")
    row = "5SuOikwiRyPMVoIQDJUgSV,Gen Hoshino;Other,Comedy,Comedy,73,230666,False,0.676,0.461,1,-6.746,0,0.143,0.0322,"
    path = write(tmp_path, "dataset.csv", header + row + "1.01e-06,0.358,0.715,87.917,4,acoustic\n"
                 + row + "1.01e-06,0.358,0.715,87.917,4,j-pop\n")

    out = run(path)

    assert out.splitlines()[0] == "created 1, updated 0, unchanged 0, skipped 1"
    track = Track.objects.get()
    assert (track.artist, track.popularity, track.instrumentalness, track.mood) == (
        "Gen Hoshino, Other", 73, 1.01e-06, "happy")


def test_the_278k_labels_set_moods_and_a_later_file_names_the_tracks(tmp_path):
    labelled = write(tmp_path, "278k_labelled_uri.csv",
                     ",duration (ms),danceability,energy,loudness,speechiness,acousticness,instrumentalness,"
                     "liveness,valence,tempo,spec_rate,labels,uri\n"
                     "0,195000.0,0.611,0.614,-8.815,0.0672,0.0169,0.000794,0.753,0.52,128.05,3.44e-07,2,"
                     "spotify:track:1dtKN6wwlolkM8XZy2y9C1\n")
    named = write(tmp_path, "named.csv", "spotify_id,name,artist\n1dtKN6wwlolkM8XZy2y9C1,Jealous Kind Of Fella,"
                  "Garland Green\n")

    run(labelled)
    unnamed = Track.objects.values_list("name", "mood", "mood_source", "cell").get()
    run("--format", "generic", named)

    assert unnamed == ("", "energetic", "dataset", None)
    track = Track.objects.get()
    assert (track.name, track.mood, track.duration_ms, track.cell) == (
        "Jealous Kind Of Fella", "energetic", 195000, 13 * 25 + 15)


def test_a_generic_csv_imports_with_a_column_mapping(tmp_path):
    path = write(tmp_path, "mine.csv", "title,singer,happiness,power,clip\nSong,Singer,0.9,0.8,dQw4w9WgXcQ\n")

    run("--format", "generic", "--map", "title=name", "--map", "singer=artist", "--map", "happiness=valence",
        "--map", "power=energy", "--map", "clip=video_id", path)

    assert Track.objects.values_list("name", "artist", "valence", "energy", "mood", "video_id", "video_state").get() \
        == ("Song", "Singer", 0.9, 0.8, "happy", "dQw4w9WgXcQ", "curator")


def test_a_generic_mapping_to_an_unknown_field_is_refused(tmp_path):
    path = write(tmp_path, "mine.csv", "title,singer\nSong,Singer\n")

    with pytest.raises(CommandError) as error:
        run("--format", "generic", "--map", "title=titel", path)

    assert str(error.value).startswith("unknown field(s) in --map: titel;")
    assert Track.objects.count() == 0


def test_a_reimport_keeps_a_curators_mood_and_updates_changed_features(tmp_path):
    path = write(tmp_path, "moods.csv", "name,album,artist,id,release_date,popularity,length,danceability,acousticness,"
                 "energy,instrumentalness,liveness,valence,loudness,speechiness,tempo,key,time_signature,mood\n"
                 "1999,1999,Prince,2H7PHVdQ3mXqEHXcvclTB0,1982,68,379266,0.866,0.137,0.73,0.0,0.0843,0.625,-8.201,"
                 "0.0767,118.523,5,4,Happy\n")
    run(path)
    Track.objects.update(mood="calm", mood_source="curator")
    path.write_text(path.read_text().replace(",68,", ",70,"))

    out = run(path)

    assert out.splitlines()[0] == "created 0, updated 1, unchanged 0, skipped 0"
    assert Track.objects.values_list("popularity", "mood", "mood_source").get() == (70, "calm", "curator")


def test_a_row_with_an_id_attaches_it_to_the_song_stored_without_one(tmp_path):
    starter = write(tmp_path, "starter.csv", "name,artist,album,year,mood\nSeptember,\"Earth, Wind & Fire\",The Best "
                    "of Earth Wind & Fire Vol. 1,1978,Happy\nOther,Someone,,2001,Sad\n")
    ids = write(tmp_path, "ids.csv", "spotify_id,name,artist,valence,energy\n2grjqo0Frpf2okIBiifQKs,september,"
                "\"EARTH, WIND & FIRE\",0.98,0.831\n7hQJA50XrCWABAu5v6QZ4i,september,\"Earth, Wind & Fire\",0.6,0.8\n")
    run(starter)
    stored = Track.objects.get(name="September")

    out = run("--format", "generic", ids)

    # The first row with an id takes the song stored without one; the second is another track.
    assert out.splitlines()[0] == "created 1, updated 1, unchanged 0, skipped 0"
    assert list(Track.objects.filter(name__iexact="september").order_by("id").values_list(
        "id", "spotify_id", "name", "valence", "mood", "mood_source")) == [
        (stored.id, "2grjqo0Frpf2okIBiifQKs", "september", 0.98, "happy", "dataset"),
        (stored.id + 2, "7hQJA50XrCWABAu5v6QZ4i", "september", 0.6, "happy", "derived")]


def test_a_gzip_file_cut_short_is_refused_and_nothing_is_written(tmp_path):
    whole = gzip.compress(b"spotify_id,name,artist\n" + b"2grjqo0Frpf2okIBiifQKs,September,Earth Wind & Fire\n" * 9000)
    path = tmp_path / "cut.csv.gz"
    path.write_bytes(whole[:len(whole) // 2])

    with pytest.raises(CommandError) as error:
        run("--format", "generic", path)

    assert str(error.value) == (
        "cut.csv.gz: cannot be read as CSV (Compressed file ended before the end-of-stream marker was reached)")
    assert Track.objects.count() == 0
