"""The songs page of a capture: list and player, feedback, strategy switch, search box, exports; and /music/search/."""

import pytest

from music.models import Playlist, Recommendation, Track
from music.tests.factories import DoneCaptureFactory, TrackFactory

# Transactional, as in production: the build queued at commit runs in-process before the page renders.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def capture(starter_catalogue):
    return DoneCaptureFactory(emotion="SAD")


def songs(capture) -> list[Recommendation]:
    playlist = Playlist.objects.filter(capture=capture).latest("id")
    return list(playlist.recommendations.select_related("track").order_by("rank"))


def test_the_songs_page_builds_and_shows_ten_songs_with_reasons_and_links(client, capture):
    client.force_login(capture.user)

    page = client.get(f"/captures/{capture.id}/songs/").content.decode()

    rows = songs(capture)
    assert len(rows) == 10
    assert page.count("data-song ") == 10
    assert page.count(">Search YouTube<") == 10  # the starter songs have no Spotify or YouTube id
    assert f'id="song-{rows[0].id}"' in page
    assert rows[0].reason in page
    assert "https://www.youtube.com/results?search_query=" in page
    assert 'src="/static/js/songs.js"' in page


def test_a_song_with_a_spotify_id_plays_through_spotify_and_links_to_the_exact_track(client):
    TrackFactory(valence=0.1, energy=0.1, mood="calm", spotify_id="4uLU6hMCjMI75M1A2tKUQC")
    capture = DoneCaptureFactory(emotion="CALM")
    client.force_login(capture.user)

    page = client.get(f"/captures/{capture.id}/songs/").content.decode()

    assert 'data-order="spotify "' in page
    assert 'data-spotify="https://open.spotify.com/embed/track/4uLU6hMCjMI75M1A2tKUQC"' in page
    assert 'href="https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC"' in page
    assert "youtube.com/results" not in page  # an exact link is known: no search


@pytest.mark.parametrize(("preference", "order"), [("auto", "youtube spotify "), ("youtube", "youtube spotify "),
                                                   ("spotify", "spotify youtube ")])
def test_the_listeners_preferred_player_comes_first_and_the_other_is_the_fallback(client, preference, order):
    TrackFactory(valence=0.1, energy=0.1, mood="calm", spotify_id="4uLU6hMCjMI75M1A2tKUQC",
                 video_id="CvFH_6DNRCY", video_state="found")
    capture = DoneCaptureFactory(emotion="CALM", user__player=preference)
    client.force_login(capture.user)

    page = client.get(f"/captures/{capture.id}/songs/").content.decode()

    assert f'data-order="{order}"' in page
    assert 'href="https://www.youtube.com/watch?v=CvFH_6DNRCY"' in page


def test_a_second_visit_shows_the_same_list(client, capture):
    client.force_login(capture.user)
    client.get(f"/captures/{capture.id}/songs/")

    client.get(f"/captures/{capture.id}/songs/")

    assert Playlist.objects.filter(capture=capture).count() == 1


def test_someone_elses_capture_is_not_found_and_nothing_is_built(client, capture):
    client.force_login(DoneCaptureFactory().user)

    response = client.get(f"/captures/{capture.id}/songs/")

    assert response.status_code == 404
    assert Playlist.objects.filter(capture=capture).count() == 0


def test_a_visitor_who_is_not_logged_in_is_sent_to_log_in(client, capture):
    response = client.get(f"/captures/{capture.id}/songs/")

    assert response.status_code == 302
    assert response.url == f"/accounts/login/?next=/captures/{capture.id}/songs/"


def test_a_like_without_javascript_is_stored_and_returns_to_the_song(client, capture):
    client.force_login(capture.user)
    client.get(f"/captures/{capture.id}/songs/")
    song = songs(capture)[3]

    response = client.post(f"/music/songs/{song.id}/feedback/", {"feedback": "like"})

    assert response.status_code == 302
    assert response.url == f"/captures/{capture.id}/songs/#song-{song.id}"
    song.refresh_from_db()
    assert song.feedback == "like"
    assert song.feedback_at is not None


def test_a_disliked_song_leaves_the_list_and_a_new_one_takes_its_place(client, capture):
    client.force_login(capture.user)
    client.get(f"/captures/{capture.id}/songs/")
    before = songs(capture)
    song = before[2]

    response = client.post(f"/music/songs/{song.id}/feedback/", {"feedback": "dislike"},
                           HTTP_ACCEPT="application/json")

    body = response.json()
    after = [row for row in songs(capture) if row.feedback != "dislike"]
    newcomer = after[2]
    assert (body["id"], body["feedback"]) == (song.id, "dislike")
    assert f'<li class="song" id="song-{newcomer.id}"' in body["replacement"]
    assert [row.id for row in after] == [row.id for row in before[:2]] + [newcomer.id] + [row.id for row in before[3:]]
    assert newcomer.rank == 3 and newcomer.track_id not in {row.track_id for row in before}
    page = client.get(f"/captures/{capture.id}/songs/").content.decode()
    assert f'id="song-{song.id}"' not in page and f'id="song-{newcomer.id}"' in page


def test_a_disliked_song_cannot_be_liked_again_once_it_has_left_the_list(client, capture):
    client.force_login(capture.user)
    client.get(f"/captures/{capture.id}/songs/")
    song = songs(capture)[0]
    client.post(f"/music/songs/{song.id}/feedback/", {"feedback": "dislike"}, HTTP_ACCEPT="application/json")

    again = client.post(f"/music/songs/{song.id}/feedback/", {"feedback": "dislike"}, HTTP_ACCEPT="application/json")
    like = client.post(f"/music/songs/{song.id}/feedback/", {"feedback": "like"}, HTTP_ACCEPT="application/json")

    assert (again.status_code, again.json()["replacement"]) == (200, None)
    assert (like.status_code, like.json()) == (409, {"detail": "This song was disliked and has left the list."})
    song.refresh_from_db()
    assert song.feedback == "dislike"
    assert Recommendation.objects.filter(playlist=song.playlist).count() == 11


def test_feedback_on_someone_elses_song_is_refused_and_changes_nothing(client, capture):
    client.force_login(capture.user)
    client.get(f"/captures/{capture.id}/songs/")
    song = songs(capture)[0]
    client.force_login(DoneCaptureFactory().user)

    response = client.post(f"/music/songs/{song.id}/feedback/", {"feedback": "like"})

    assert response.status_code == 404
    song.refresh_from_db()
    assert (song.feedback, song.feedback_at) == ("", None)


def test_switching_to_uplift_changes_the_order(client, capture):
    client.force_login(capture.user)
    client.get(f"/captures/{capture.id}/songs/")
    before = [song.track_id for song in songs(capture)]

    response = client.post(f"/captures/{capture.id}/songs/change/", {"action": "strategy", "strategy": "uplift"})

    assert response.url == f"/captures/{capture.id}/songs/"
    after = songs(capture)
    assert [song.track_id for song in after] != before
    assert after[0].reason.startswith("step 1 of 10 towards brighter and livelier — ")
    assert Playlist.objects.filter(capture=capture).latest("id").strategy == "uplift"


def test_new_songs_replace_the_whole_list(client, capture):
    client.force_login(capture.user)
    client.get(f"/captures/{capture.id}/songs/")
    before = {song.track_id for song in songs(capture)}

    client.post(f"/captures/{capture.id}/songs/change/", {"action": "new"})

    assert before.isdisjoint(song.track_id for song in songs(capture))


def test_the_search_box_builds_a_list_from_the_listeners_words(client, capture):
    client.force_login(capture.user)
    wanted = Track.objects.get(name="Everybody Hurts")

    client.post(f"/captures/{capture.id}/songs/change/", {"action": "search", "q": "everybody hurts"})

    playlist = Playlist.objects.filter(capture=capture).latest("id")
    assert (playlist.query, playlist.source) == ("everybody hurts", "local")
    first = songs(capture)[0]
    assert first.track_id == wanted.id
    assert first.reason == "matches “everybody hurts” — a sad song"
    assert len(songs(capture)) == 10
    assert playlist.note == ""


def test_a_wish_that_matches_nothing_says_so_instead_of_calling_songs_matches(client, capture):
    client.force_login(capture.user)

    client.post(f"/captures/{capture.id}/songs/change/", {"action": "search", "q": "xyzzy"})

    playlist = Playlist.objects.filter(capture=capture).latest("id")
    page = client.get(f"/captures/{capture.id}/songs/").content.decode()
    assert playlist.note == "Nothing matched “xyzzy”; here are songs for sad."
    assert "Nothing matched “xyzzy”; here are songs for sad." in page
    assert len(songs(capture)) == 10
    assert not any("xyzzy" in song.reason for song in songs(capture))


def test_the_exports_list_the_songs_as_csv_and_m3u(client):
    track = TrackFactory(name="Clair de Lune", artist="Claude Debussy", album="Suite", valence=0.1, energy=0.1,
                         mood="calm", spotify_id="0000000000000000000001", video_id="CvFH_6DNRCY",
                         video_state="curator", duration_ms=300400)
    capture = DoneCaptureFactory(emotion="CALM")
    client.force_login(capture.user)
    client.get(f"/captures/{capture.id}/songs/")

    csv_response = client.get(f"/captures/{capture.id}/songs.csv")
    m3u_response = client.get(f"/captures/{capture.id}/songs.m3u")

    assert csv_response["Content-Disposition"] == f'attachment; filename="cloudscendo-{capture.id}-calm.csv"'
    assert csv_response.content.decode() == (
        "rank,name,artist,album,year,mood,spotify_id,spotify_url,youtube_url,reason\n"
        f"1,Clair de Lune,Claude Debussy,Suite,,calm,{track.spotify_id},"
        f"https://open.spotify.com/track/{track.spotify_id},"
        "https://www.youtube.com/watch?v=CvFH_6DNRCY,dark and calm — close to how you feel\n")
    assert m3u_response["Content-Type"] == "audio/x-mpegurl; charset=utf-8"
    assert m3u_response.content.decode() == ("#EXTM3U\n#EXTINF:300,Claude Debussy - Clair de Lune\n"
                                             "# YouTube: https://www.youtube.com/watch?v=CvFH_6DNRCY\n"
                                             f"https://open.spotify.com/track/{track.spotify_id}\n")


def test_known_videos_embed_and_make_a_youtube_playlist_link(client):
    TrackFactory(valence=0.1, energy=0.1, mood="calm", video_id="CvFH_6DNRCY", video_state="found")
    TrackFactory(valence=0.12, energy=0.1, mood="calm", video_id="abcdefghijk", video_state="missing")
    capture = DoneCaptureFactory(emotion="CALM")
    client.force_login(capture.user)

    page = client.get(f"/captures/{capture.id}/songs/").content.decode()

    embed = "https://www.youtube-nocookie.com/embed/CvFH_6DNRCY?rel=0&amp;playsinline=1&amp;enablejsapi=1"
    assert f'data-youtube="{embed}"' in page
    assert page.count("data-youtube=") == 1
    assert 'href="https://www.youtube.com/watch_videos?video_ids=CvFH_6DNRCY"' in page


def test_the_search_page_finds_songs_by_mood_words(client, starter_catalogue):
    client.force_login(DoneCaptureFactory().user)

    page = client.get("/music/search/", {"q": "chill", "mood": ""}).content.decode()

    calm_names = set(Track.objects.filter(mood="calm").values_list("name", flat=True))
    assert "<h2>30 songs</h2>" in page
    assert any(f"<strong>{name}</strong>" in page for name in calm_names)
