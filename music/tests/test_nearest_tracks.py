"""track_candidates_near on SQLite: the exact nearest tracks, found on the covering index, in a box that grows."""

import pytest
from django.db import connection

from music import selectors
from music.selectors import track_candidates_near
from music.tests.factories import TrackFactory

pytestmark = pytest.mark.django_db


def test_the_nearest_track_is_found_past_the_first_box_even_when_a_farther_one_shares_its_cells():
    # given, far from a corner point: one track 0.283 away (5 cells out on both axes) and one
    # 0.26 away (6 cells out on one axis), and an inactive track and one without a cell nearer still
    farther = TrackFactory(valence=0.79, energy=0.21)
    nearest = TrackFactory(valence=0.99, energy=0.27)
    TrackFactory(valence=0.98, energy=0.02, active=False)
    TrackFactory(valence=0.98, energy=0.03, cell=None)

    # when
    one = track_candidates_near(point=(0.99, 0.01), count=1)
    two = track_candidates_near(point=(0.99, 0.01), count=2)

    # then
    assert [candidate.id for candidate in one] == [nearest.id]
    assert sorted(candidate.id for candidate in two) == sorted([nearest.id, farther.id])


def test_the_excluded_are_left_out_and_counted_in_the_search():
    near, middle, far = (TrackFactory(valence=0.5 + step, energy=0.5) for step in (0.01, 0.02, 0.03))

    found = track_candidates_near(point=(0.5, 0.5), count=1, exclude={near.id})

    # the 2 nearest are searched (count + 1 excluded); the excluded one is then dropped
    assert [candidate.id for candidate in found] == [middle.id]
    assert far.id not in [candidate.id for candidate in found]


def test_ties_in_distance_go_to_the_lower_id():
    # given two tracks exactly as far from the point, the lower id in the later grid cell
    lower = TrackFactory(valence=0.5, energy=0.48)
    TrackFactory(valence=0.48, energy=0.5)

    assert [candidate.id for candidate in track_candidates_near(point=(0.5, 0.5), count=1)] == [lower.id]


def test_the_nearest_rows_are_chosen_on_the_covering_index():
    sql = selectors._NEAREST_SQL.format(cells="312, 313").replace("%s", "?")
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", [0.4, 0.6, 0.4, 0.6, 0.5, 0.5, 0.5, 0.5, 10])
        plan = " | ".join(row[-1] for row in cursor.fetchall())

    assert "COVERING INDEX track_active_cell_pos (active=? AND cell=? AND pos_valence>? AND pos_valence<?)" in plan
    assert "SEARCH music_track USING INTEGER PRIMARY KEY (rowid=?)" in plan
