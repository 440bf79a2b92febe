"""GET /api/history/summary/: counts per emotion and per day, in a fixed number of queries."""

import datetime

import pytest
from rest_framework.test import APIClient

from accounts.tests.factories import UserFactory
from cloudscendo.tests.api import token_client
from moods.history.selectors import EMOTIONS
from moods.history.tests.factories import month_of_readings, reading, readings_bulk

pytestmark = pytest.mark.django_db


def test_the_summary_of_a_date_range():
    user = UserFactory()
    readings_bulk(user, [("SAD", datetime.datetime(2026, 3, 1, 9)), ("SAD", datetime.datetime(2026, 3, 2, 9)),
                         ("CALM", datetime.datetime(2026, 3, 2, 20)), ("HAPPY", datetime.datetime(2026, 3, 5, 9))])
    reading(UserFactory(), "ANGRY", datetime.datetime(2026, 3, 2, 9))

    body = token_client(user).get("/api/history/summary/", {"from": "2026-03-02", "to": "2026-03-04"}).json()

    zeros = dict.fromkeys(EMOTIONS, 0)
    assert body == {"counts": {**zeros, "SAD": 1, "CALM": 1}, "dominant": "SAD", "total": 2,
                    "by_day": [{"date": "2026-03-02", "counts": {**zeros, "SAD": 1, "CALM": 1}}]}


def test_an_empty_history():
    body = token_client(UserFactory()).get("/api/history/summary/").json()

    assert body == {"counts": dict.fromkeys(EMOTIONS, 0), "by_day": [], "dominant": "", "total": 0}


def test_a_range_that_ends_before_it_starts_is_refused():
    response = token_client(UserFactory()).get("/api/history/summary/", {"from": "2026-03-05", "to": "2026-03-01"})

    assert response.status_code == 400
    assert response.json()["fields"] == {"to": ["Must not be before `from`."]}


def test_the_summary_needs_authentication():
    assert APIClient().get("/api/history/summary/").status_code == 401


def test_the_summary_runs_the_same_queries_for_5000_readings(django_assert_num_queries):
    small, large = UserFactory(), UserFactory()
    month_of_readings(small, end=datetime.date(2026, 3, 31), days=2, per_day=5)
    month_of_readings(large, end=datetime.date(2026, 3, 31), days=500, per_day=10)
    queries = {}
    for user in (small, large):
        client = token_client(user)
        with django_assert_num_queries(3) as captured:  # token + counts + per day
            assert client.get("/api/history/summary/").status_code == 200
        queries[user.username] = len(captured)

    assert list(queries.values()) == [3, 3]
    assert token_client(large).get("/api/history/summary/").json()["total"] == 5000
