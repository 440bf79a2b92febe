"""/api/captures/{id}/recommendations/, /api/recommendations/{id}/feedback/ and /api/tracks/."""

import pytest
from rest_framework.test import APIClient

from accounts.tests.factories import UserFactory
from cloudscendo.tests.api import token_client
from music.models import Recommendation, Track
from music.services.recommendations import playlist_create
from music.tests.factories import DoneCaptureFactory, TrackFactory

# Transactional: the song list queued at commit is built in-process, as in production without a broker.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def capture(starter_catalogue):
    capture = DoneCaptureFactory(emotion="SAD")
    playlist_create(capture=capture, strategy="match")
    return capture


def test_a_captures_songs_are_ranked_with_track_and_video(capture):
    songs = list(Recommendation.objects.filter(capture=capture).select_related("track").order_by("rank"))

    body = token_client(capture.user).get(f"/api/captures/{capture.id}/recommendations/").json()

    assert body["count"] == 10
    assert [row["rank"] for row in body["results"]] == list(range(1, 11))
    first, song = body["results"][0], songs[0]
    assert first == {
        "id": song.id, "rank": 1, "score": song.score, "reason": song.reason, "feedback": "",
        "track": {"id": song.track.id, "name": song.track.name, "artist": song.track.artist,
                  "album": song.track.album, "year": song.track.year, "mood": song.track.mood,
                  "valence": None, "energy": None},
        "video": {"youtube_id": None, "embed_url": None,
                  "search_url": f"https://www.youtube.com/results?search_query="
                                f"{song.track.artist.replace(' ', '+')}+{song.track.name.replace(' ', '+')}"},
        "spotify": None}


def test_a_track_with_a_spotify_id_carries_its_player_and_link():
    track = TrackFactory(name="Blue", artist="Joni", spotify_id="4uLU6hMCjMI75M1A2tKUQC")
    capture = DoneCaptureFactory()
    playlist = playlist_create(capture=capture, strategy="match")
    Recommendation.objects.filter(playlist=playlist).delete()
    Recommendation.objects.create(playlist=playlist, capture=capture, user=capture.user, track=track, rank=1,
                                  score=0.9, reason="because")

    row = token_client(capture.user).get(f"/api/captures/{capture.id}/recommendations/").json()["results"][0]

    assert row["spotify"] == {"spotify_id": "4uLU6hMCjMI75M1A2tKUQC",
                              "track_url": "https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC",
                              "embed_url": "https://open.spotify.com/embed/track/4uLU6hMCjMI75M1A2tKUQC"}


def test_a_track_with_a_known_video_has_its_embed():
    track = TrackFactory(name="Blue", artist="Joni", video_id="abcdefghijk", video_state=Track.VideoState.FOUND)
    capture = DoneCaptureFactory()
    playlist = playlist_create(capture=capture, strategy="match")
    Recommendation.objects.filter(playlist=playlist).delete()
    Recommendation.objects.create(playlist=playlist, capture=capture, user=capture.user, track=track, rank=1,
                                  score=0.9, reason="because")

    video = token_client(capture.user).get(f"/api/captures/{capture.id}/recommendations/").json()["results"][0]["video"]

    assert video == {"youtube_id": "abcdefghijk",
                     "embed_url": "https://www.youtube-nocookie.com/embed/abcdefghijk?rel=0&playsinline=1&enablejsapi=1",
                     "search_url": "https://www.youtube.com/results?search_query=Joni+Blue"}


def test_someone_elses_songs_are_not_found(capture):
    response = token_client(UserFactory()).get(f"/api/captures/{capture.id}/recommendations/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "code": "not_found"}


def test_feedback_is_stored_and_answered(capture):
    song = Recommendation.objects.filter(capture=capture).order_by("rank").first()

    response = token_client(capture.user).post(f"/api/recommendations/{song.id}/feedback/", {"value": "like"},
                                               format="json")

    assert response.status_code == 200
    assert (response.json()["id"], response.json()["feedback"]) == (song.id, "like")
    song.refresh_from_db()
    assert song.feedback == "like"
    assert song.feedback_at is not None


def test_unknown_feedback_is_refused_and_changes_nothing(capture):
    song = Recommendation.objects.filter(capture=capture).first()

    response = token_client(capture.user).post(f"/api/recommendations/{song.id}/feedback/", {"value": "love"},
                                               format="json")

    assert response.status_code == 400
    assert response.json()["fields"] == {"value": ['"love" is not a valid choice.']}
    song.refresh_from_db()
    assert (song.feedback, song.feedback_at) == ("", None)


def test_feedback_on_someone_elses_song_is_not_found_and_changes_nothing(capture):
    song = Recommendation.objects.filter(capture=capture).first()

    response = token_client(UserFactory()).post(f"/api/recommendations/{song.id}/feedback/", {"value": "dislike"},
                                                format="json")

    assert response.status_code == 404
    song.refresh_from_db()
    assert (song.feedback, song.feedback_at) == ("", None)


def test_track_search_by_words_and_mood_is_paginated(db):
    TrackFactory(name="Rainy Sunday", artist="Drizzle", mood="calm")
    TrackFactory(name="Rainy Monday", artist="Storm", mood="energetic")
    TrackFactory(name="Sunny", artist="Sol", mood="calm")
    client = token_client(UserFactory())

    rainy = client.get("/api/tracks/", {"q": "rainy"}).json()
    rainy_calm = client.get("/api/tracks/", {"q": "rainy", "mood": "calm"}).json()

    assert sorted(row["name"] for row in rainy["results"]) == ["Rainy Monday", "Rainy Sunday"]
    assert [row["name"] for row in rainy_calm["results"]] == ["Rainy Sunday"]
    assert set(rainy) == {"count", "next", "previous", "results"}


def test_track_search_refuses_an_unknown_mood(db):
    response = token_client(UserFactory()).get("/api/tracks/", {"mood": "furious"})

    assert response.status_code == 400
    assert response.json()["fields"] == {"mood": ['"furious" is not a valid choice.']}


@pytest.mark.parametrize(("method", "path"), [("get", "/api/tracks/"), ("get", "/api/captures/1/recommendations/"),
                                              ("post", "/api/recommendations/1/feedback/")])
def test_music_endpoints_need_authentication(db, method, path):
    response = getattr(APIClient(), method)(path)

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
