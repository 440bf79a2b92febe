"""The history dashboard in a real browser: real Chart.js charts, filters, export, delete-all."""

import csv
import datetime
import os

import pytest
from django.conf import settings
from django.utils import timezone

from accounts.tests.factories import PASSWORD, UserFactory
from conftest import screenshot, wait_for
from moods.history.tests.factories import month_of_readings
from moods.models import MoodCapture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DRAWN = """canvas => {
  const chart = window.Chart && window.Chart.getChart(canvas);
  const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let painted = 0;
  for (let i = 3; i < pixels.length; i += 4) { if (pixels[i] > 0) painted++; }
  return {chart: Boolean(chart), painted: painted, width: canvas.width};
}"""


def _painted(state: dict) -> bool:
    return bool(state["chart"]) and state["painted"] > 500


def _log_in(page, user) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="History").click()


@pytest.fixture
def charts():
    """Chart.js comes from npm at set-up: like Chromium, its absence skips, or fails under REQUIRE_BROWSER=1."""
    if not settings.CHARTJS_AVAILABLE:
        reason = "Chart.js is not installed (it needs npm): run `make setup`, which runs `npm ci`"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)


def test_a_month_of_history_is_charted_filtered_exported_and_deleted(browser_page, charts, tmp_path):
    page, user = browser_page, UserFactory()
    month_of_readings(user, end=timezone.localdate(), days=30, per_day=3)
    violations = []
    page.on("console", lambda message: "Content Security Policy" in message.text and violations.append(message.text))

    _log_in(page, user)
    page.get_by_role("heading", name="Mood history").wait_for()
    for name in ("by-day", "distribution"):
        # The page script draws once the deferred scripts have run, which can be after the heading shows.
        canvas = page.locator(f'canvas[data-chart="{name}"]')
        wait_for(lambda canvas=canvas: _painted(canvas.evaluate(DRAWN)), timeout=10)
        state = canvas.evaluate(DRAWN)
        assert state["chart"] and state["width"] > 0 and state["painted"] > 500, (name, state)
    screenshot(page, "history-01-dashboard")
    assert page.locator("#history-total").inner_text() == "90"

    page.get_by_label("Emotion", exact=True).select_option("SAD")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**emotion=SAD**")
    sad = MoodCapture.objects.filter(user=user, emotion="SAD").count()
    assert page.locator("#history-total").inner_text() == str(sad)
    screenshot(page, "history-02-filtered")

    with page.expect_download() as download:
        page.get_by_role("link", name="Export CSV").click()
    path = tmp_path / "history.csv"
    download.value.save_as(path)
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    assert download.value.suggested_filename == f"cloudscendo-history-{timezone.localdate()}.csv"
    assert len(rows) == sad and {row["emotion"] for row in rows} == {"SAD"}

    page.get_by_role("link", name="Delete all captures…").click()
    page.get_by_text("All 90 of your captures").wait_for()
    page.get_by_role("button", name="Delete").click()
    page.get_by_text("90 captures and their photos are deleted.").wait_for()
    screenshot(page, "history-03-emptied")
    # an emptied history is one friendly empty state, not blank charts and a live delete button
    page.get_by_role("heading", name="No readings yet").wait_for()
    assert page.get_by_role("main").get_by_role("link", name="Capture your mood").is_visible()
    assert page.locator("#history-total, canvas, .heatmap").count() == 0
    assert page.get_by_role("link", name="Delete all captures…").count() == 0
    assert not MoodCapture.objects.filter(user=user).exists()
    assert violations == []


def test_a_capture_page_draws_its_scores(browser_page, charts):
    user = UserFactory()
    capture = MoodCapture.objects.create(user=user, source="upload", status="done", emotion="HAPPY", confidence=70.0,
                                         scores={"HAPPY": 70.0, "CALM": 20.0, "SAD": 10.0},
                                         finished_at=timezone.now() - datetime.timedelta(minutes=1))
    _log_in(browser_page, user)

    browser_page.goto(f"/captures/{capture.id}/")

    canvas = browser_page.locator('canvas[data-chart="scores"]')
    wait_for(lambda: _painted(canvas.evaluate(DRAWN)), timeout=10)  # drawn once the deferred scripts ran
    state = canvas.evaluate(DRAWN)
    assert state["chart"] and state["painted"] > 500, state
    screenshot(browser_page, "history-04-capture")
