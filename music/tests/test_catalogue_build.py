"""manage.py catalogue_build: fixtures/catalogue/ is exactly what the Hit Predictor files give."""

import csv
import gzip
import io
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from music.importers.catalogue import COLUMNS
from music.services.catalogue_build import CATALOGUE_DIR, HITS, STARTER_MATCHES, name_normalise


def build(source, target) -> str:
    out = StringIO()
    call_command("catalogue_build", "--source", str(source), "--target", str(target), stdout=out)
    return out.getvalue()


def rows(path) -> list[dict]:
    return list(csv.DictReader(io.StringIO(gzip.decompress(path.read_bytes()).decode("utf-8"))))


def test_a_rebuild_from_the_shared_data_is_byte_identical_to_the_committed_files(shared_data, tmp_path):
    out = build(shared_data / "spotify" / "hit_predictor", tmp_path)

    assert out == ("20,033 hits (20,553 hit rows of 41,106) -> hits.csv.gz; "
                   "178 of 314 starter songs matched -> starter_matches.csv.gz\n")
    assert sorted(path.name for path in tmp_path.iterdir()) == [HITS, STARTER_MATCHES]
    assert (tmp_path / HITS).read_bytes() == (CATALOGUE_DIR / HITS).read_bytes()
    assert (tmp_path / STARTER_MATCHES).read_bytes() == (CATALOGUE_DIR / STARTER_MATCHES).read_bytes()


def test_the_hits_file_holds_one_row_per_spotify_id_with_the_first_decade_and_facts_only():
    hits = rows(CATALOGUE_DIR / HITS)

    assert (len(hits), len({row["spotify_id"] for row in hits})) == (20_033, 20_033)
    assert tuple(hits[0]) == COLUMNS
    assert hits[0] == {
        "spotify_id": "1dtKN6wwlolkM8XZy2y9C1", "name": "Jealous Kind Of Fella", "artist": "Garland Green",
        "decade": "1960", "duration_ms": "173533", "danceability": "0.417", "energy": "0.62", "key": "3",
        "loudness": "-7.727", "mode": "1", "speechiness": "0.0403", "acousticness": "0.49",
        "instrumentalness": "0", "liveness": "0.0779", "valence": "0.845", "tempo": "185.655"}
    assert sorted({row["decade"] for row in hits}) == ["1960", "1970", "1980", "1990", "2000", "2010"]


def test_a_starter_song_matches_under_its_own_spelling_and_prefers_a_hit_row():
    matches = {(row["name"], row["artist"]): row for row in rows(CATALOGUE_DIR / STARTER_MATCHES)}

    # The set has it three times: twice in the 2000s (not a hit), once a hit in the 2010s.
    dream = matches["Walking on a Dream", "Empire of the Sun"]
    assert (len(matches), dream["decade"], dream["spotify_id"]) == (178, "2010", "5r5cp9IpziiIsR6b93vcnQ")


def test_names_are_matched_casefolded_with_every_run_of_other_characters_one_space():
    assert name_normalise("Can't Stop the Feeling!") == "can t stop the feeling"
    assert name_normalise("  Earth, Wind & Fire ") == "earth wind fire"


def test_a_missing_source_folder_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match=r"cannot read the source: .*dataset-of-60s\.csv"):
        build(tmp_path / "absent", tmp_path / "out")

    assert not (tmp_path / "out").exists()
