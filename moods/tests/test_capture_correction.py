"""One-tap corrections of an uncertain reading: stored beside the model's reading, and the songs follow."""

import pytest

from moods.models import MoodCapture
from music.models import Playlist
from music.tests.factories import DoneCaptureFactory, TrackFactory

pytestmark = pytest.mark.django_db(transaction=True)  # the songs are built at commit, in-process
UNSURE = {"SAD": 34.0, "CALM": 30.0, "FEAR": 20.0, "HAPPY": 16.0}  # no CONFUSED: this backend cannot say it


@pytest.fixture
def unsure(client):
    TrackFactory.create_batch(12, valence=0.28, energy=0.2, mood="calm")
    TrackFactory.create_batch(12, valence=0.2, energy=0.3, mood="sad")
    capture = DoneCaptureFactory(source="camera", emotion="SAD", confidence=34.0, scores=UNSURE, face_count=1)
    client.force_login(capture.user)
    return capture


def test_an_uncertain_reading_leads_with_the_warning_and_offers_its_top_three_as_corrections(client, unsure):
    body = client.get(f"/captures/{unsure.id}/status").json()
    page = client.get(f"/captures/{unsure.id}/").content.decode()

    assert body["uncertain"] is True
    assert body["corrections"] == [{"emotion": "SAD", "label": "sad"}, {"emotion": "CALM", "label": "calm"},
                                   {"emotion": "FEAR", "label": "afraid"}]
    assert [row["emotion"] for row in body["scores"]] == ["SAD", "CALM", "FEAR", "HAPPY"]  # no "confused 0 %"
    assert page.index("We are not sure about this reading.") < page.index("You look <strong>sad</strong>")
    assert 'name="emotion" value="CALM"' in page


def test_a_correction_is_kept_beside_the_reading_and_the_songs_follow_it(client, unsure):
    client.get(f"/captures/{unsure.id}/songs/list/")  # the first list, for SAD

    response = client.post(f"/captures/{unsure.id}/correction/", {"emotion": "CALM"}, HTTP_ACCEPT="application/json")

    unsure.refresh_from_db()
    newest = Playlist.objects.filter(capture=unsure).latest("id")
    assert (response.status_code, response.json()["correction_label"]) == (200, "calm")
    assert (unsure.emotion, unsure.correction, unsure.corrected_at is not None) == ("SAD", "CALM", True)
    assert (newest.emotion, newest.status, newest.recommendations.count()) == ("CALM", "ready", 10)
    assert response.json()["corrections"] == []  # the listener has decided
    page = client.get(f"/captures/{unsure.id}/").content.decode()
    assert "You said: <strong>calm</strong>" in page and "the photo looked sad, 34 %" in page


@pytest.mark.parametrize(("change", "emotion"), [({}, "BORED"), ({"source": "manual"}, "CALM"),
                                                 ({"status": "queued"}, "CALM")])
def test_a_correction_that_cannot_apply_is_refused_and_changes_nothing(client, unsure, change, emotion):
    MoodCapture.objects.filter(id=unsure.id).update(**change)
    playlists = Playlist.objects.filter(capture=unsure).count()

    response = client.post(f"/captures/{unsure.id}/correction/", {"emotion": emotion}, HTTP_ACCEPT="application/json")

    unsure.refresh_from_db()
    assert response.status_code == 400
    assert (unsure.correction, unsure.corrected_at) == ("", None)
    assert Playlist.objects.filter(capture=unsure).count() == playlists


def test_someone_elses_reading_cannot_be_corrected(client, unsure):
    client.force_login(DoneCaptureFactory().user)

    response = client.post(f"/captures/{unsure.id}/correction/", {"emotion": "CALM"})

    unsure.refresh_from_db()
    assert response.status_code == 404 and unsure.correction == ""
