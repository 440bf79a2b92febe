"""/history/: charts over data tables, filters, paging, thumbnails, in a fixed number of queries."""

import datetime

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from moods.history.tests.factories import month_of_readings, readings_bulk
from moods.models import MoodCapture
from moods.tests.factories import MoodCaptureFactory

pytestmark = pytest.mark.django_db


def test_the_dashboard_needs_a_login(client):
    response = client.get("/history/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/history/"


def test_the_dashboard_shows_totals_tables_and_chart_data(client):
    user = UserFactory()
    today = timezone.localdate()
    readings_bulk(user, [("SAD", datetime.datetime.combine(today, datetime.time(9))),
                         ("SAD", datetime.datetime.combine(today, datetime.time(10))),
                         ("HAPPY", datetime.datetime.combine(today - datetime.timedelta(days=1), datetime.time(9)))])
    client.force_login(user)

    page = client.get("/history/").content.decode()

    assert '<p class="big-number" id="history-total">3</p>' in page
    assert '<p class="big-number" id="history-dominant">Sad</p>' in page
    assert '<th scope="row">Sad</th><td>2</td>' in page
    day = today.strftime("%a %-d %b %Y")
    assert f'<tr><th scope="row">{day}</th><td>0</td><td>2</td><td>0</td>' in page  # happy, sad, angry...
    assert '<script id="by-day-data" type="application/json">' in page
    assert '<script id="counts-data" type="application/json">' in page
    assert 'data-chart="by-day"' in page and 'data-chart="distribution"' in page
    assert '<a href="/history/">History</a>' in page
    assert "<script>" not in page  # CSP: no inline script


def test_the_heatmap_shades_each_weekday_and_hour_against_the_busiest_one(client):
    user = UserFactory()
    # Monday 2 March 2026: four readings at 21:00; Wednesday 4 March: one at 09:00.
    readings_bulk(user, [*[("SAD", datetime.datetime(2026, 3, 2, 21, minute)) for minute in range(4)],
                         ("HAPPY", datetime.datetime(2026, 3, 4, 9))])
    client.force_login(user)

    page = client.get("/history/").content.decode()

    rows = page.split('<table class="data-table heatmap">')[1].split("<tbody>")[1].split("</tbody>")[0].split("</tr>")
    monday, tuesday, wednesday = rows[0], rows[1], rows[2]
    assert monday.startswith('<tr><th scope="row">Mon</th>')
    assert monday.count("<td") == 24
    assert '<td class="heat-0"></td>' * 21 + '<td class="heat-4">4</td><td class="heat-0"></td>' in monday
    assert tuesday.count('<td class="heat-0"></td>') == 24
    assert '<td class="heat-1">1</td>' in wednesday  # 4 x 1 // 5 = 0: the lightest shade that is not empty
    assert [row.split("</th>")[0][-3:] for row in rows[:7]] == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


def test_chart_js_is_loaded_only_when_npm_installed_it(client, settings):
    client.force_login(UserFactory())

    settings.CHARTJS_AVAILABLE = True
    with_charts = client.get("/history/").content.decode()
    settings.CHARTJS_AVAILABLE = False
    without = client.get("/history/").content.decode()

    assert '/static/vendor/chart.js/chart.umd.min.js' in with_charts
    assert "chart.umd.min.js" not in without
    assert '/static/js/history.js' in without


def test_the_filters_narrow_the_list_and_bad_ones_are_explained(client):
    user = UserFactory()
    readings_bulk(user, [("SAD", datetime.datetime(2026, 3, 2, 9)), ("HAPPY", datetime.datetime(2026, 3, 3, 9))])
    client.force_login(user)

    sad = client.get("/history/", {"emotion": "SAD"}).content.decode()
    wrong = client.get("/history/", {"date_from": "2026-03-05", "date_to": "2026-03-01"}).content.decode()

    assert '<p class="big-number" id="history-total">1</p>' in sad
    assert "Mon 2 Mar 2026, 09:00:\n          sad" in sad
    assert "Tue 3 Mar 2026" not in sad.split('id="capture-list"')[1]
    assert "The last day must not be before the first." in wrong


def test_captures_are_paged_twenty_at_a_time_keeping_the_filter(client):
    user = UserFactory()
    month_of_readings(user, end=datetime.date(2026, 3, 31), days=10, per_day=3)
    client.force_login(user)

    first = client.get("/history/", {"emotion": ""}).content.decode()
    second = client.get("/history/", {"emotion": "", "page": 2}).content.decode()

    assert first.count('class="capture-item"') == 20
    assert second.count('class="capture-item"') == 10
    assert 'href="?emotion=&amp;page=2" rel="next"' in first
    assert "Page 2 of 2" in second


def test_thumbnails_use_the_permission_checked_photo_view(client):
    capture = MoodCaptureFactory()
    client.force_login(capture.user)

    page = client.get("/history/").content.decode()

    assert f'src="/captures/{capture.id}/photo"' in page
    assert f'href="/captures/{capture.id}/"' in page


def test_the_dashboard_runs_the_same_queries_for_5000_captures(client, django_assert_max_num_queries):
    user = UserFactory()
    client.force_login(user)
    month_of_readings(user, end=timezone.localdate(), days=1, per_day=10)
    with django_assert_max_num_queries(8) as small:
        assert client.get("/history/").status_code == 200
    month_of_readings(user, end=timezone.localdate() - datetime.timedelta(days=1), days=499, per_day=10)

    with django_assert_max_num_queries(8) as large:
        page = client.get("/history/").content.decode()

    assert len(large) == len(small)
    assert '<p class="big-number" id="history-total">5000</p>' in page  # 10 + 4,990


def test_a_capture_page_shows_its_scores_and_songs(client):
    capture = MoodCaptureFactory(status="done", emotion="HAPPY", confidence=80.0, scores={"HAPPY": 80.0, "SAD": 20.0})
    client.force_login(capture.user)

    page = client.get(f"/captures/{capture.id}/").content.decode()

    assert '<th scope="row">Happy</th><td>80.0%</td>' in page
    assert '<script id="scores-data" type="application/json">' in page
    assert "No songs for this capture." in page


def test_someone_elses_capture_page_is_not_found(client):
    capture = MoodCaptureFactory()
    client.force_login(UserFactory())

    assert client.get(f"/captures/{capture.id}/").status_code == 404


@pytest.mark.parametrize(("old", "new"), [("/history/captures/{id}/", "/captures/{id}/"),
                                          ("/history/captures/{id}/delete/", "/captures/{id}/delete/")])
def test_the_old_capture_urls_redirect_for_good_keeping_the_method(client, old, new):
    capture = MoodCaptureFactory()
    client.force_login(capture.user)

    for method in (client.get, client.post):
        response = method(old.format(id=capture.id))
        assert (response.status_code, response["Location"]) == (308, new.format(id=capture.id))
    assert MoodCapture.objects.filter(id=capture.id).exists()  # a redirect deletes nothing


def test_an_empty_history_is_one_empty_state_and_a_filter_that_matches_nothing_says_so(client):
    user = UserFactory()
    client.force_login(user)
    empty = client.get("/history/").content.decode()
    MoodCapture.objects.create(user=user, source="manual", status="done", emotion="HAPPY")

    unmatched = client.get("/history/", {"emotion": "SAD"}).content.decode()

    assert "No readings yet" in empty and 'href="/capture/"' in empty
    assert "Delete all captures" not in empty and "heatmap" not in empty and 'id="history-total"' not in empty
    assert "No captures match these filters" in unmatched and 'href="/history/">Show every capture</a>' in unmatched
    assert "No readings yet" not in unmatched and "heatmap" not in unmatched
