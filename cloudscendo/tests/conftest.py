import os

import pytest

from moods.models import MoodCapture
from moods.tests.factories import MoodCaptureFactory
from music.models import Playlist, Recommendation
from music.tests.factories import TrackFactory


@pytest.fixture
def owned(db) -> dict[str, int]:
    """A listener's done capture with a stored photo and a list of one song: the ids URLs can name."""
    capture = MoodCaptureFactory(status=MoodCapture.Status.DONE, emotion="HAPPY", confidence=90.0)
    playlist = Playlist.objects.create(capture=capture, user=capture.user, emotion="HAPPY", strategy="match",
                                       status=Playlist.Status.READY)
    song = Recommendation.objects.create(playlist=playlist, capture=capture, user=capture.user,
                                         track=TrackFactory(), rank=1, score=0.9, reason="fits")
    return {"capture_id": capture.id, "recommendation_id": song.id}


@pytest.fixture
def redis_server():
    """A private redis-server of this test's own, up (the test may stop and start it); stopped at the end."""
    from cloudscendo.tests.redis_server import RedisServer, redis_server_missing

    if reason := redis_server_missing():
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(f"{reason} (REQUIRE_SERVICES=1)", pytrace=False)
        pytest.skip(reason)
    server = RedisServer().start()
    yield server
    server.stop()
