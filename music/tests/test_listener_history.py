"""listener_history reads in one query what the three history selectors read one by one."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from music import selectors
from music.models import Playlist, Recommendation
from music.selectors import ListRequest, listener_history
from music.tests.factories import DoneCaptureFactory, TrackFactory

pytestmark = pytest.mark.django_db


def _songs(capture, playlist, tracks, start_rank=1):
    return [Recommendation.objects.create(playlist=playlist, capture=capture, user=capture.user, track=track,
                                          rank=rank, score=0.5, reason="r")
            for rank, track in enumerate(tracks, start=start_rank)]


def test_one_query_gives_what_the_three_selectors_give():
    # given 60 songs over two lists (10 fall out of the recent window), a dislike among those 10,
    # and 25 likes (only the 20 latest count)
    capture = DoneCaptureFactory()
    old_list, new_list = (Playlist.objects.create(capture=capture, user=capture.user, emotion="CALM",
                                                  strategy="match") for _ in range(2))
    tracks = [TrackFactory(valence=i / 100, energy=1 - i / 100) for i in range(60)]
    songs = _songs(capture, old_list, tracks[:30]) + _songs(capture, new_list, tracks[30:])
    Recommendation.objects.filter(id=songs[2].id).update(feedback="dislike", feedback_at=timezone.now())
    now = timezone.now()
    for index, song in enumerate(songs[30:55]):
        Recommendation.objects.filter(id=song.id).update(feedback="like",
                                                         feedback_at=now - datetime.timedelta(minutes=index))
    user = capture.user.id
    request = ListRequest(emotion="CALM", user_id=user, keep_playlist_ids=frozenset({new_list.id}),
                          exclude=frozenset({tracks[0].id}))

    # when
    with CaptureQueriesContext(connection) as queries:
        excluded, liked = listener_history(request)

    # then
    assert len(queries) == 1
    recent = selectors.user_recent_track_ids(user_id=user, keep_playlist_ids={new_list.id})
    assert excluded == recent | selectors.user_disliked_track_ids(user_id=user) | {tracks[0].id}
    assert tracks[2].id in excluded and tracks[5].id not in excluded  # disliked outside the window; out of it
    assert liked == selectors.user_liked_points(user_id=user)
    assert len(liked) == 20 and liked[0] == (0.3, 0.7)  # the latest like first


def test_a_visitor_has_only_what_the_request_excludes():
    assert listener_history(ListRequest(emotion="SAD", exclude=frozenset({7}))) == ({7}, [])
