"""The ranking rules of music.selectors.recommendations_compute and the builds of music.services.recommendations."""

import math
from collections import Counter

import pytest

from accounts.tests.factories import UserFactory
from music.affect import EMOTION_TARGETS
from music.models import Playlist, Recommendation
from music.ranking import song_distance
from music.selectors import ListRequest, recommendations_compute, track_candidate
from music.services import recommendations
from music.tests.factories import DoneCaptureFactory, TrackFactory

pytestmark = pytest.mark.django_db
EMOTIONS = sorted(EMOTION_TARGETS)


def build(capture, *, strategy="match", **options) -> list[Recommendation]:
    playlist = Playlist.objects.create(capture=capture, user=capture.user, emotion=capture.emotion,
                                       strategy=strategy, **options)
    recommendations.playlist_build(playlist_id=playlist.id)
    return list(playlist.recommendations.order_by("rank"))


@pytest.mark.parametrize("strategy", ["match", "uplift"])
@pytest.mark.parametrize("emotion", EMOTIONS)
def test_every_emotion_and_strategy_gets_ten_songs_from_the_starter_catalogue(starter_catalogue, emotion, strategy):
    picks = recommendations_compute(ListRequest(emotion=emotion, strategy=strategy))

    assert len(picks) == 10
    assert len({pick.candidate.id for pick in picks}) == 10


@pytest.mark.parametrize("strategy", ["match", "uplift"])
@pytest.mark.parametrize("emotion", EMOTIONS)
def test_every_emotion_and_strategy_gets_ten_songs_from_data_moods(moods_catalogue, emotion, strategy):
    picks = recommendations_compute(ListRequest(emotion=emotion, strategy=strategy))

    assert len(picks) == 10
    assert max(Counter(pick.candidate.artist for pick in picks).values()) <= 2


def test_a_calm_match_is_mostly_calm_songs_with_a_reason(starter_catalogue):
    picks = recommendations_compute(ListRequest(emotion="CALM"))

    assert [pick.candidate.mood for pick in picks] == ["calm"] * 10
    assert picks[0].reason == "a calm song — close to how you look"


def test_no_artist_appears_more_than_twice_in_a_list():
    TrackFactory.create_batch(6, artist="Same Band", valence=0.28, energy=0.2, mood="calm")
    TrackFactory.create_batch(12, valence=0.3, energy=0.25, mood="calm")

    picks = recommendations_compute(ListRequest(emotion="CALM"))

    assert [pick.candidate.artist for pick in picks].count("Same Band") == 2
    assert len(picks) == 10


def test_songs_from_the_last_fifty_recommendations_do_not_come_back(starter_catalogue):
    capture = DoneCaptureFactory(emotion="HAPPY")
    first = {song.track_id for song in build(capture)}

    again = recommendations_compute(ListRequest(emotion="HAPPY", user_id=capture.user_id))

    assert len(again) == 10
    assert first.isdisjoint(pick.candidate.id for pick in again)


def test_only_the_last_fifty_count_as_recent(starter_catalogue):
    capture = DoneCaptureFactory(emotion="HAPPY")
    oldest = {song.track_id for song in build(capture)}
    for _ in range(5):
        build(DoneCaptureFactory(user=capture.user, emotion="SAD"))

    again = recommendations_compute(ListRequest(emotion="HAPPY", user_id=capture.user_id))

    assert oldest == {pick.candidate.id for pick in again}


def test_a_disliked_song_never_comes_back(starter_catalogue):
    capture = DoneCaptureFactory(emotion="SAD")
    songs = build(capture)
    recommendations.recommendation_feedback_set(recommendation_id=songs[0].id, user_id=capture.user_id,
                                                feedback="dislike")
    Recommendation.objects.exclude(id=songs[0].id).delete()  # forget the history, keep the dislike

    again = recommendations_compute(ListRequest(emotion="SAD", user_id=capture.user_id))

    assert songs[0].track_id not in {pick.candidate.id for pick in again}
    assert {song.track_id for song in songs[1:]} <= {pick.candidate.id for pick in again} | {songs[0].track_id}


def test_a_liked_song_pulls_its_neighbours_up():
    user = UserFactory()
    near_like = TrackFactory(valence=0.72, energy=0.62, popularity=0)
    TrackFactory.create_batch(10, valence=0.75, energy=0.72, popularity=0)
    liked = TrackFactory(valence=0.70, energy=0.60)
    capture = DoneCaptureFactory(user=user, emotion="HAPPY")
    playlist = Playlist.objects.create(capture=capture, user=user, emotion="HAPPY", strategy="match")
    Recommendation.objects.create(playlist=playlist, capture=capture, user=user, track=liked, rank=1, score=1,
                                  reason="r", feedback="like")

    before = recommendations_compute(ListRequest(emotion="HAPPY"))
    after = recommendations_compute(ListRequest(emotion="HAPPY", user_id=user.id))

    assert near_like.id not in [pick.candidate.id for pick in before]
    assert after[0].candidate.id == near_like.id


def test_the_uplift_list_walks_from_the_mood_toward_the_positive_target(moods_catalogue):
    target = EMOTION_TARGETS["SAD"]

    picks = recommendations_compute(ListRequest(emotion="SAD", strategy="uplift"))

    distances = [math.dist((p.candidate.valence, p.candidate.energy), target.uplift_to) for p in picks]
    assert distances == sorted(distances, reverse=True)
    assert math.dist((picks[0].candidate.valence, picks[0].candidate.energy), target.point) < 0.1
    assert distances[-1] < 0.1
    assert [pick.reason.split(" — ")[0] for pick in picks] == [
        f"step {i} of 10 towards brighter and livelier" for i in range(1, 11)]


def test_a_build_stores_ranked_rows_and_a_second_delivery_does_nothing(starter_catalogue):
    capture = DoneCaptureFactory(emotion="CALM")
    playlist = Playlist.objects.create(capture=capture, user=capture.user, emotion="CALM", strategy="match")

    recommendations.playlist_build(playlist_id=playlist.id)
    rows = list(Recommendation.objects.values_list("rank", "track_id", "score", "reason"))
    recommendations.playlist_build(playlist_id=playlist.id)

    assert [rank for rank, *_ in rows] == list(range(1, 11))
    assert list(Recommendation.objects.values_list("rank", "track_id", "score", "reason")) == rows
    playlist.refresh_from_db()
    assert (playlist.status, playlist.source) == ("ready", "features")


def test_the_moods_seam_builds_the_first_list_after_commit(starter_catalogue, django_capture_on_commit_callbacks):
    capture = DoneCaptureFactory(emotion="FEAR", strategy="uplift")

    with django_capture_on_commit_callbacks(execute=True):
        recommendations.capture_recommendations_enqueue(capture_id=capture.id)

    playlist = Playlist.objects.get(capture=capture)
    assert (playlist.status, playlist.strategy, playlist.emotion) == ("ready", "uplift", "FEAR")
    assert playlist.recommendations.count() == 10


def test_the_seam_ignores_a_capture_that_is_not_done(starter_catalogue, django_capture_on_commit_callbacks):
    capture = DoneCaptureFactory(status="failed", emotion="")

    with django_capture_on_commit_callbacks(execute=True):
        recommendations.capture_recommendations_enqueue(capture_id=capture.id)

    assert Playlist.objects.count() == 0


def test_switching_strategy_may_reuse_this_captures_songs_but_new_songs_may_not(moods_catalogue):
    capture = DoneCaptureFactory(emotion="SAD")
    match = [song.track_id for song in build(capture)]

    uplift = [song.track_id for song in build(capture, strategy="uplift")]
    fresh = [song.track_id for song in build(capture, fresh=True)]

    assert uplift != match
    assert uplift[0] in match
    assert set(fresh).isdisjoint(match + uplift)


def test_more_like_this_gives_the_songs_nearest_the_seeds_features_and_none_of_the_current_list(moods_catalogue):
    capture = DoneCaptureFactory(emotion="HAPPY")
    current = build(capture)
    seed = current[0].track

    songs = build(capture, seed_track=seed)

    assert len(songs) == 10
    assert {song.track_id for song in songs}.isdisjoint({song.track_id for song in current})
    distances = [song_distance(track_candidate(seed), track_candidate(s.track)) for s in songs]
    assert distances == sorted(distances)
    assert distances[-1] < 0.15
    assert all(song.reason.endswith(f"— close to “{seed.name}”") for song in songs)


def test_more_like_this_weighs_every_feature_not_only_valence_and_energy():
    seed = TrackFactory(valence=0.5, energy=0.5, danceability=0.9, acousticness=0.05, tempo=124)
    ballad = TrackFactory(valence=0.5, energy=0.5, danceability=0.2, acousticness=0.95, tempo=70)
    dance = TrackFactory(valence=0.53, energy=0.53, danceability=0.88, acousticness=0.08, tempo=122)

    picks = recommendations_compute(ListRequest(emotion="HAPPY", seed=seed))

    assert [pick.candidate.id for pick in picks] == [dance.id, ballad.id]
