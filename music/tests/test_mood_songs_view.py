"""GET /music/mood-songs/: a live session's coming songs for the mood it settled on, computed, never saved."""

import pytest

from accounts.tests.factories import UserFactory
from music.models import Playlist, Recommendation
from music.tests.factories import TrackFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tracks():
    """Three sad-looking songs (low valence, low energy) and three happy ones."""
    sad = [TrackFactory(valence=0.1 + i / 100, energy=0.2, mood="sad", name=f"Sad {i}") for i in range(3)]
    happy = [TrackFactory(valence=0.9 - i / 100, energy=0.8, mood="happy", name=f"Happy {i}") for i in range(3)]
    return sad, happy


def _titles(page: str) -> list[str]:
    return [line.split(">")[1].split("<")[0] for line in page.splitlines() if 'class="song-title"' in line]


def test_the_songs_follow_the_mood_and_leave_out_the_one_playing_and_nothing_is_saved(client, tracks):
    sad, happy = tracks
    client.force_login(UserFactory(strategy="match"))

    for_happy = client.get("/music/mood-songs/", {"emotion": "HAPPY"})
    for_sad = client.get("/music/mood-songs/", {"emotion": "SAD", "playing": happy[0].id}).content.decode()

    assert for_happy.status_code == 200
    # the three nearest the mood lead (in the ranking's own order among them)
    assert sorted(_titles(for_happy.content.decode())[:3]) == ["Happy 0", "Happy 1", "Happy 2"]
    assert sorted(_titles(for_sad)[:3]) == ["Sad 0", "Sad 1", "Sad 2"]
    assert f'data-track="{happy[0].id}"' not in for_sad
    assert f'data-spotify="https://open.spotify.com/embed/track/{sad[0].spotify_id}"' in for_sad
    assert not Playlist.objects.exists() and not Recommendation.objects.exists()


@pytest.mark.parametrize("query", [{}, {"emotion": "BORED"}, {"emotion": "SAD", "playing": "x"}])
def test_a_bad_mood_or_song_gets_a_400(client, query):
    client.force_login(UserFactory())

    response = client.get("/music/mood-songs/", query)

    assert (response.status_code, response.json()) == (
        400, {"detail": "Say which of the eight moods, and the playing song's id if any."})
