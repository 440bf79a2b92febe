"""One first song list per capture, however the analysis' done hook and the songs page race for it."""

import threading

import pytest
from django.db import connection

from moods.models import MoodCapture
from music.models import Playlist
from music.services import enqueue, recommendations
from music.tests.factories import DoneCaptureFactory


# On PostgreSQL, where the worker's hook and gunicorn's page race in production (SQLite lets one
# writer in at a time, and a thread may wait out its lock timeout, which is no test of the lock).
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_done_hook_and_the_songs_page_racing_make_one_playlist(monkeypatch):
    capture = DoneCaptureFactory(emotion="SAD")
    queued = []
    monkeypatch.setattr(enqueue, "playlist_build_enqueue", lambda *, playlist_id: queued.append(playlist_id))
    start, errors = threading.Barrier(8), []

    def hook():
        recommendations.capture_recommendations_enqueue(capture_id=capture.id)

    def page():
        recommendations.capture_playlist_ensure(capture=MoodCapture.objects.get(id=capture.id))

    def racer(call):
        start.wait()
        try:
            call()
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=racer, args=(hook if i % 2 else page,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    playlists = list(Playlist.objects.filter(capture=capture).values_list("id", "emotion"))
    assert len(playlists) == 1 and playlists[0][1] == "SAD"
    assert queued == [playlists[0][0]]


@pytest.mark.django_db
def test_the_page_after_the_hook_finds_the_hooks_playlist(monkeypatch):
    monkeypatch.setattr(enqueue, "playlist_build_enqueue", lambda *, playlist_id: None)
    capture = DoneCaptureFactory(emotion="HAPPY")

    recommendations.capture_recommendations_enqueue(capture_id=capture.id)
    found = recommendations.capture_playlist_ensure(capture=capture)
    recommendations.capture_recommendations_enqueue(capture_id=capture.id)  # a second delivery of the hook

    assert list(Playlist.objects.filter(capture=capture).values_list("id", flat=True)) == [found.id]
