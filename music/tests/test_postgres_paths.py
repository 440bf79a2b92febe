"""On PostgreSQL: the GIN full-text search and the GiST nearest-neighbour path of the recommendations."""

import pytest
from django.db import connection

from music.models import Track
from music.search import SearchQuery
from music.search.local import LocalSearch
from music.selectors import ListRequest, recommendations_compute, track_candidates_near
from music.tests.factories import TrackFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def test_postgres_full_text_search_uses_names_moods_and_filters():
    TrackFactory(name="Blue Monday", artist="New Order", mood="energetic", valence=0.6, energy=0.9)
    TrackFactory(name="Quiet Monday", artist="Someone", mood="calm", valence=0.1, energy=0.1)
    TrackFactory(name="Gone Monday", active=False)

    hits = LocalSearch().search(SearchQuery(text="monday relaxing"))
    filtered = LocalSearch().search(SearchQuery(text="monday", moods=("energetic",)))

    names = Track.objects.in_bulk([hit.track_id for hit in hits])
    assert [names[hit.track_id].name for hit in hits] == ["Quiet Monday", "Blue Monday"]
    assert [Track.objects.get(id=hit.track_id).name for hit in filtered] == ["Blue Monday"]


def test_the_nearest_neighbour_path_returns_the_closest_tracks_first():
    near = TrackFactory(valence=0.30, energy=0.20)
    middle = TrackFactory(valence=0.40, energy=0.30)
    TrackFactory(valence=0.9, energy=0.9)
    TrackFactory(valence=0.31, energy=0.21, active=False)

    found = track_candidates_near(point=(0.28, 0.2), count=2, exclude={middle.id})

    assert [candidate.id for candidate in found[:1]] == [near.id]
    assert middle.id not in [candidate.id for candidate in found]


def test_the_gist_index_serves_the_nearest_neighbour_query(starter_catalogue):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")  # on a tiny table the planner would sort; show it need not
        cursor.execute("EXPLAIN SELECT id FROM music_track WHERE active AND cell IS NOT NULL "
                       "ORDER BY point(pos_valence, pos_energy) <-> point(0.3, 0.2) LIMIT 10")
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "music_track_point" in plan
    assert len(recommendations_compute(ListRequest(emotion="CALM", strategy="uplift"))) == 10
