"""The Kendra search adapter through botocore's Stubber, and the local fallback when Kendra is down."""

import pytest

from music.models import Playlist
from music.search import BackendUnavailable, InputRejected, SearchHit, SearchQuery
from music.search.kendra import KendraSearch
from music.services import recommendations
from music.tests.factories import DoneCaptureFactory, TrackFactory
from music.tests.kendra import INDEX_ID

pytestmark = pytest.mark.django_db


def test_a_query_sends_the_words_a_mood_filter_and_the_page_size(kendra):
    kendra.add_response("query", {"ResultItems": [
        {"DocumentId": "track-7", "ScoreAttributes": {"ScoreConfidence": "HIGH"}},
        {"DocumentId": "track-3", "ScoreAttributes": {"ScoreConfidence": "LOW"}},
        {"DocumentId": "faq-1"}]}, expected_params={
        "IndexId": INDEX_ID, "QueryText": "rainy sunday sad melancholic", "PageSize": 20,
        "QueryResultTypeFilter": "DOCUMENT",
        "AttributeFilter": {"EqualsTo": {"Key": "mood", "Value": {"StringValue": "sad"}}}})

    hits = KendraSearch().search(SearchQuery(text="rainy sunday sad melancholic", moods=("sad",)))

    assert hits == [SearchHit(track_id=7, score=3.0), SearchHit(track_id=3, score=1.0)]


def test_several_moods_become_one_or_filter(kendra):
    kendra.add_response("query", {"ResultItems": []}, expected_params={
        "IndexId": INDEX_ID, "QueryText": "loud", "PageSize": 100, "QueryResultTypeFilter": "DOCUMENT",
        "AttributeFilter": {"OrAllFilters": [
            {"EqualsTo": {"Key": "mood", "Value": {"StringValue": "energetic"}}},
            {"EqualsTo": {"Key": "mood", "Value": {"StringValue": "sad"}}}]}})

    assert KendraSearch().search(SearchQuery(text="loud", moods=("energetic", "sad"), limit=500)) == []


def test_throttling_is_transient(kendra):
    kendra.add_client_error("query", service_error_code="ThrottlingException", http_status_code=400)

    with pytest.raises(BackendUnavailable, match="Kendra: ThrottlingException"):
        KendraSearch().search(SearchQuery(text="x"))


def test_a_validation_error_is_permanent(kendra):
    kendra.add_client_error("query", service_error_code="ValidationException", service_message="bad filter")

    with pytest.raises(InputRejected, match="Kendra: ValidationException: bad filter"):
        KendraSearch().search(SearchQuery(text="x"))


def _search_playlist(capture, words: str) -> Playlist:
    playlist = Playlist.objects.create(capture=capture, user=capture.user, emotion=capture.emotion,
                                       strategy="match", query=words)
    recommendations.playlist_build(playlist_id=playlist.id)
    playlist.refresh_from_db()
    return playlist


def test_a_search_list_comes_from_kendra_when_it_answers(kendra):
    wanted = TrackFactory(name="Rain Song", valence=0.2, energy=0.3, mood="sad")
    TrackFactory.create_batch(12, valence=0.2, energy=0.3, mood="sad")
    kendra.add_response("query", {"ResultItems": [{"DocumentId": f"track-{wanted.id}"}]})

    playlist = _search_playlist(DoneCaptureFactory(emotion="SAD"), "rain")

    assert playlist.source == "kendra"
    first = playlist.recommendations.get(rank=1)
    assert (first.track_id, first.reason) == (wanted.id, "matches “rain” — dark and calm")
    assert playlist.recommendations.count() == 10


def test_when_kendra_is_down_the_list_comes_from_the_local_index_and_says_so(kendra, client):
    wanted = TrackFactory(name="Rain Song", valence=0.2, energy=0.3, mood="sad")
    TrackFactory.create_batch(12, valence=0.2, energy=0.3, mood="sad")
    kendra.add_client_error("query", service_error_code="InternalServerException", http_status_code=500)
    capture = DoneCaptureFactory(emotion="SAD")

    playlist = _search_playlist(capture, "rain")
    client.force_login(capture.user)
    page = client.get(f"/captures/{capture.id}/songs/").content.decode()

    assert playlist.source == "local_fallback"
    assert playlist.recommendations.get(rank=1).track_id == wanted.id
    assert "Search is running on our local index for now" in page
