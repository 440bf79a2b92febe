"""A listener's songs in a real browser: carousel by keyboard, like/dislike, strategy switch, exports."""

import re

import pytest

from accounts.tests.factories import PASSWORD
from conftest import screenshot
from music.models import Playlist, Recommendation
from music.tests.factories import DoneCaptureFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def visible_slide(page):
    return page.locator("[data-slide]:not([hidden])")


def open_songs(page, capture) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(capture.user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"/captures/{capture.id}/songs/")


def test_a_listener_plays_through_rates_switches_and_exports_the_songs(browser_page, starter_catalogue, tmp_path):
    page = browser_page
    capture = DoneCaptureFactory(emotion="SAD")
    open_songs(page, capture)
    status = page.locator("[data-status]")
    assert page.locator("[data-slide]").count() == 10
    assert re.fullmatch(r"Song 1 of 10: .+", status.inner_text())
    assert page.locator("[data-slide]:not([hidden])").count() == 1
    screenshot(page, "songs-01-carousel")

    page.get_by_role("button", name="Next song").focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert status.inner_text().startswith("Song 3 of 10: ")
    page.keyboard.press("ArrowLeft")
    assert status.inner_text().startswith("Song 2 of 10: ")
    page.keyboard.press("Enter")  # the focused Next button
    assert status.inner_text().startswith("Song 3 of 10: ")

    third = visible_slide(page)
    third.get_by_role("button", name=re.compile("^Like ")).click()
    page.wait_for_selector("[data-slide]:not([hidden]) button[value=like][aria-pressed=true]")
    page.get_by_role("button", name="Previous song").click()
    visible_slide(page).get_by_role("button", name=re.compile("^Dislike ")).click()
    page.wait_for_selector("[data-slide]:not([hidden]) button[value=dislike][aria-pressed=true]")
    screenshot(page, "songs-02-rated")
    assert list(Recommendation.objects.order_by("rank").exclude(feedback="").values_list("rank", "feedback")) == [
        (2, "dislike"), (3, "like")]

    match_order = [s.get_attribute("id") for s in page.locator("[data-slide]").all()]
    match_titles = page.locator("[data-slide]").evaluate_all("slides => slides.map(s => s.dataset.title)")
    page.get_by_role("button", name="Lift my mood, step by step").click()
    page.wait_for_selector("button[value=uplift][aria-pressed=true]")
    uplift_titles = page.locator("[data-slide]").evaluate_all("slides => slides.map(s => s.dataset.title)")
    assert len(uplift_titles) == 10
    assert uplift_titles != match_titles
    assert match_order != [s.get_attribute("id") for s in page.locator("[data-slide]").all()]
    assert Playlist.objects.filter(capture=capture).latest("id").strategy == "uplift"
    screenshot(page, "songs-03-uplift")

    with page.expect_download() as csv_download:
        page.get_by_role("link", name="Export CSV").click()
    with page.expect_download() as m3u_download:
        page.get_by_role("link", name="Export M3U").click()
    csv_path, m3u_path = tmp_path / "songs.csv", tmp_path / "songs.m3u"
    csv_download.value.save_as(csv_path)
    m3u_download.value.save_as(m3u_path)
    assert csv_download.value.suggested_filename == f"cloudscendo-{capture.id}-sad.csv"
    assert len(csv_path.read_text().splitlines()) == 11
    m3u = m3u_path.read_text().splitlines()
    assert m3u[0] == "#EXTM3U"
    assert len(m3u) == 21


def test_on_a_phone_a_swipe_moves_to_the_next_song(browser_page, starter_catalogue):
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    capture = DoneCaptureFactory(emotion="HAPPY")
    open_songs(page, capture)

    box = page.locator("[data-track]").bounding_box()
    y = box["y"] + 40
    page.mouse.move(box["x"] + box["width"] - 20, y)
    page.mouse.down()
    page.mouse.move(box["x"] + 20, y, steps=5)
    page.mouse.up()

    assert page.locator("[data-status]").inner_text().startswith("Song 2 of 10: ")
    screenshot(page, "songs-04-phone")
