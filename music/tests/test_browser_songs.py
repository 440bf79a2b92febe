"""A listener's songs in a real browser: the list beside its player, fallbacks, feedback, strategy, exports."""

import re

import pytest

from accounts.tests.factories import PASSWORD
from conftest import in_viewport, players_answer, screenshot
from music.models import Playlist, Recommendation
from music.tests.factories import DoneCaptureFactory, TrackFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SPOTIFY_EMBED = "https://open.spotify.com/embed/track/"
READY_MS = 10_000  # static/js/songs.js: a player silent this long has not loaded


def log_in(page, user) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("button", name="Log out").wait_for()


def player(page):
    return page.locator("[data-player] iframe")


def live_songs(capture) -> list[Recommendation]:
    playlist = Playlist.objects.filter(capture=capture).latest("id")
    return list(playlist.recommendations.exclude(feedback="dislike").select_related("track").order_by("rank"))


def test_a_listener_plays_moves_rates_switches_and_exports_the_songs(browser_page, default_catalogue, tmp_path):
    page = browser_page
    players_answer(page)
    capture = DoneCaptureFactory(emotion="SAD", source="camera")
    log_in(page, capture.user)
    page.goto(f"/captures/{capture.id}/songs/")

    songs, status = live_songs(capture), page.locator("[data-status]")
    listed = page.locator("[data-song]")
    assert listed.count() == 10
    assert all(listed.nth(i).is_visible() for i in range(10))  # the whole list, beside the player
    assert listed.first.locator(".song-reason").inner_text() == songs[0].reason
    assert player(page).get_attribute("src") == SPOTIFY_EMBED + songs[0].track.spotify_id
    assert in_viewport(page, player(page))
    assert re.fullmatch(r"Song 1 of 10: .+", status.inner_text())
    screenshot(page, "songs-01-list-and-player")

    page.get_by_role("button", name="Next song").focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert status.inner_text().startswith("Song 3 of 10: ")
    assert player(page).get_attribute("src") == SPOTIFY_EMBED + songs[2].track.spotify_id
    page.keyboard.press("ArrowLeft")
    assert status.inner_text().startswith("Song 2 of 10: ")
    listed.nth(4).get_by_role("button", name=re.compile("^▶ Play ")).click()
    assert status.inner_text().startswith("Song 5 of 10: ")
    assert listed.nth(4).get_attribute("aria-current") == "true"

    listed.nth(4).get_by_role("button", name=re.compile("^Like ")).click()
    page.wait_for_selector("[data-song]:nth-child(5) button[value=like][aria-pressed=true]")
    disliked = songs[1]
    listed.nth(1).get_by_role("button", name=re.compile("^Dislike ")).click()
    page.locator(f"#song-{disliked.id}").wait_for(state="detached")
    screenshot(page, "songs-02-rated")
    after = live_songs(capture)
    assert listed.count() == 10
    assert listed.nth(1).get_attribute("id") == f"song-{after[1].id}"
    assert after[1].rank == 2 and after[1].track_id not in {song.track_id for song in songs}
    assert status.inner_text().startswith("Song 5 of 10: ")  # the song playing plays on
    assert list(Recommendation.objects.exclude(feedback="").order_by("rank").values_list("rank", "feedback")) == [
        (2, "dislike"), (5, "like")]

    page.get_by_role("button", name="Lift my mood, step by step").click()
    page.wait_for_selector("button[value=uplift][aria-pressed=true]")
    reasons = page.locator(".song-reason").all_inner_texts()
    assert [reason.split(" — ")[0] for reason in reasons] == [
        f"step {i} of 10 towards brighter and livelier" for i in range(1, 11)]
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
    rows = csv_path.read_text().splitlines()
    assert rows[0] == "rank,name,artist,album,year,mood,spotify_id,spotify_url,youtube_url,reason"
    assert len(rows) == 11 and all("https://open.spotify.com/track/" in row for row in rows[1:])
    m3u = m3u_path.read_text().splitlines()
    assert m3u[0] == "#EXTM3U"
    assert len(m3u) == 31  # per song: #EXTINF, the YouTube link in a comment, the Spotify track


def test_a_player_that_cannot_load_gives_way_to_the_other_then_to_links_to_that_exact_track(browser_page):
    page = browser_page
    both = TrackFactory(name="Both Ways", valence=0.28, energy=0.2, mood="calm", spotify_id="4uLU6hMCjMI75M1A2tKUQC",
                        video_id="CvFH_6DNRCY", video_state="found")
    spotify_only = TrackFactory(name="Spotify Only", valence=0.3, energy=0.22, mood="calm",
                                spotify_id="0VjIjW4GlUZAMYd2vXMi3b")
    capture = DoneCaptureFactory(emotion="CALM", source="camera", user__player="spotify")
    log_in(page, capture.user)
    page.clock.install()
    players_answer(page, spotify=False, youtube=False)
    page.goto(f"/captures/{capture.id}/songs/")
    first = page.locator("[data-song]").first
    assert first.get_attribute("data-title") == "Both Ways — " + both.artist

    assert player(page).get_attribute("src") == SPOTIFY_EMBED + both.spotify_id
    page.clock.run_for(READY_MS + 500)
    assert player(page).get_attribute("src").startswith("https://www.youtube-nocookie.com/embed/CvFH_6DNRCY?")
    page.clock.run_for(READY_MS + 500)
    fallback = page.locator("[data-fallback]")
    assert fallback.is_visible() and player(page).count() == 0
    assert [link.get_attribute("href") for link in fallback.get_by_role("link").all()] == [
        "https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC", "https://www.youtube.com/watch?v=CvFH_6DNRCY"]
    screenshot(page, "songs-04-fallback-links")

    page.locator("[data-song]").nth(1).get_by_role("button", name=re.compile("^▶ Play ")).click()
    assert player(page).get_attribute("src") == SPOTIFY_EMBED + spotify_only.spotify_id
    assert fallback.is_hidden()
    page.clock.run_for(READY_MS + 500)
    assert [link.get_attribute("href") for link in fallback.get_by_role("link").all()] == [
        "https://open.spotify.com/track/0VjIjW4GlUZAMYd2vXMi3b"]


def test_a_player_that_says_it_loaded_keeps_playing(browser_page):
    page = browser_page
    track = TrackFactory(valence=0.28, energy=0.2, mood="calm", spotify_id="4uLU6hMCjMI75M1A2tKUQC",
                         video_id="CvFH_6DNRCY", video_state="found")
    capture = DoneCaptureFactory(emotion="CALM", source="camera")  # "auto": YouTube first when a video is known
    log_in(page, capture.user)
    page.clock.install()
    players_answer(page)
    page.goto(f"/captures/{capture.id}/songs/")
    src = player(page).get_attribute("src")
    page.wait_for_timeout(500)  # let the frame load and answer

    page.clock.run_for(3 * READY_MS)

    assert src.startswith("https://www.youtube-nocookie.com/embed/CvFH_6DNRCY?") and track.spotify_id
    assert player(page).get_attribute("src") == src
    assert page.locator("[data-fallback]").is_hidden()


def test_on_a_phone_the_player_is_on_screen_and_a_swipe_moves_to_the_next_song(browser_page, default_catalogue):
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    players_answer(page)
    capture = DoneCaptureFactory(emotion="HAPPY", source="camera")
    log_in(page, capture.user)
    page.goto(f"/captures/{capture.id}/songs/")
    songs = live_songs(capture)
    assert in_viewport(page, player(page))

    page.locator(".now-controls").scroll_into_view_if_needed()
    box = page.locator(".now-controls").bounding_box()
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + box["width"] - 60, y)
    page.mouse.down()
    page.mouse.move(box["x"] + 60, y, steps=5)
    page.mouse.up()

    assert page.locator("[data-status]").inner_text().startswith("Song 2 of 10: ")
    assert player(page).get_attribute("src") == SPOTIFY_EMBED + songs[1].track.spotify_id
    screenshot(page, "songs-05-phone")
