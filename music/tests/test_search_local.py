"""The local search index (SQLite FTS5 here; the PostgreSQL twin is in test_postgres_paths.py)."""

import pytest

from music.models import Track
from music.search import SearchQuery
from music.search.local import LocalSearch, query_terms
from music.services.tracks import track_curate
from music.tests.factories import TrackFactory

pytestmark = pytest.mark.django_db


def names(query: SearchQuery) -> list[str]:
    tracks = Track.objects.in_bulk([hit.track_id for hit in LocalSearch().search(query)])
    return [tracks[hit.track_id].name for hit in LocalSearch().search(query)]


def test_words_match_names_artists_and_albums_ranked_by_relevance():
    TrackFactory(name="Blue Monday", artist="New Order", album="Substance")
    TrackFactory(name="Monday Morning", artist="Fleetwood Mac", album="Blue")
    TrackFactory(name="Clair de Lune", artist="Claude Debussy", album="Suite bergamasque")

    assert names(SearchQuery(text="blue monday")) == ["Blue Monday", "Monday Morning"]
    assert names(SearchQuery(text="Debussy!")) == ["Clair de Lune"]


def test_mood_words_find_songs_of_that_mood_and_stemming_helps():
    TrackFactory(name="Quiet One", mood="calm")
    TrackFactory(name="Loud One", mood="energetic")

    assert names(SearchQuery(text="something relaxed to chill")) == ["Quiet One"]


def test_mood_and_feature_filters_narrow_the_results():
    TrackFactory(name="Rain A", mood="sad", valence=0.2, energy=0.3)
    TrackFactory(name="Rain B", mood="sad", valence=0.2, energy=0.8)
    TrackFactory(name="Rain C", mood="happy", valence=0.9, energy=0.3)

    assert names(SearchQuery(text="rain", moods=("sad",), energy=(0.0, 0.5))) == ["Rain A"]
    assert sorted(names(SearchQuery(text="rain", valence=(0.0, 0.5)))) == ["Rain A", "Rain B"]


def test_inactive_and_nameless_tracks_are_not_found():
    TrackFactory(name="Gone Song", active=False)
    TrackFactory(name="", artist="Gone Artist", cell=None)

    assert names(SearchQuery(text="gone")) == []


def test_the_index_follows_edits_and_deletions():
    track = TrackFactory(name="Old Title", mood="happy")
    track.name, track.mood = "New Title", "calm"
    track_curate(track=track, changed={"name", "mood"})

    assert names(SearchQuery(text="old")) == []
    assert names(SearchQuery(text="title peaceful")) == ["New Title"]
    track.delete()
    assert names(SearchQuery(text="title")) == []


def test_no_words_lists_the_mood_by_popularity():
    TrackFactory(name="Less", mood="sad", popularity=10)
    TrackFactory(name="More", mood="sad", popularity=90)
    TrackFactory(name="Other", mood="happy", popularity=99)

    assert names(SearchQuery(text=" ?! ", moods=("sad",))) == ["More", "Less"]


def test_query_terms_drop_punctuation_and_fts_syntax():
    assert query_terms('AND "rainy" NEAR(day) -acoustic*') == ["and", "rainy", "near", "day", "acoustic"]
