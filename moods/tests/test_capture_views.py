"""The capture page, a capture's page, its JSON status and its photo: only ever for its owner."""

import pytest
from django.core.files.storage import default_storage

from accounts.tests.factories import UserFactory
from moods.models import MoodCapture
from moods.tests.factories import MoodCaptureFactory, stored_files

pytestmark = pytest.mark.django_db


def test_the_capture_page_shows_the_notice_before_the_first_capture(client):
    client.force_login(UserFactory())

    page = client.get("/capture/").content.decode()

    assert "Before your first photo" in page
    assert "An expression is not a feeling." in page
    assert 'accept="image/*"' in page and 'capture="user"' in page
    assert page.count('name="emotion"') == 8
    assert 'aria-live="polite"' in page


def test_the_notice_is_folded_once_the_user_has_a_capture(client):
    capture = MoodCaptureFactory()
    client.force_login(capture.user)

    page = client.get("/capture/").content.decode()

    assert "Before your first photo" not in page
    assert "<summary>What happens to your photo</summary>" in page


def test_the_status_of_a_pending_capture(client):
    capture = MoodCaptureFactory()
    client.force_login(capture.user)

    body = client.get(f"/captures/{capture.id}/status").json()

    assert body == {"id": capture.id, "source": "upload", "status": "queued", "status_label": "queued",
                    "pending": True, "emotion": "", "emotion_label": "", "confidence": None,
                    "scores": [], "face_count": 0, "group": False, "uncertain": False, "correction": "",
                    "correction_label": "", "corrections": [], "correct_url": f"/captures/{capture.id}/correction/",
                    "error": "", "model": "", "songs_url": "", "songs_list_url": "", "faces": [],
                    "photo_url": f"/captures/{capture.id}/photo"}


def test_the_status_of_a_done_capture_lists_every_score_highest_first(client):
    scores = {"HAPPY": 80.0, "SAD": 5.0, "ANGRY": 1.0, "CONFUSED": 0.0, "DISGUSTED": 2.0, "SURPRISED": 10.0,
              "CALM": 2.0, "FEAR": 0.0}
    capture = MoodCaptureFactory(status="done", emotion="HAPPY", confidence=80.0, scores=scores, face_count=1)
    client.force_login(capture.user)

    body = client.get(f"/captures/{capture.id}/status").json()

    assert (body["status"], body["pending"], body["emotion"], body["emotion_label"], body["confidence"],
            body["uncertain"]) == ("done", False, "HAPPY", "happy", 80.0, False)
    assert [(row["emotion"], row["score"]) for row in body["scores"]][:3] == [
        ("HAPPY", 80.0), ("SURPRISED", 10.0), ("SAD", 5.0)]
    assert body["songs_url"] == f"/captures/{capture.id}/songs/"
    assert body["songs_list_url"] == f"/captures/{capture.id}/songs/list/"


@pytest.mark.parametrize(("status", "confidence", "uncertain"), [
    ("done", 39.9, True), ("done", 40.0, False), ("no_face", 0.0, True), ("failed", None, False)])
def test_a_reading_below_the_minimum_confidence_or_without_a_face_is_uncertain(client, status, confidence, uncertain):
    capture = MoodCaptureFactory(status=status, emotion="SAD" if status == "done" else "", confidence=confidence)
    client.force_login(capture.user)

    assert client.get(f"/captures/{capture.id}/status").json()["uncertain"] is uncertain


def test_an_uncertain_result_offers_to_retake_or_pick_the_mood(client):
    capture = MoodCaptureFactory(status="no_face")
    client.force_login(capture.user)

    page = client.get(f"/captures/{capture.id}/").content.decode()

    assert "We could not find a face in this photo." in page
    assert '<a href="/capture/">Retake the photo</a> or <a href="/capture/#mood-heading">pick your mood</a>' in page


def test_a_pending_capture_page_refreshes_itself_without_javascript(client):
    capture = MoodCaptureFactory()
    client.force_login(capture.user)

    page = client.get(f"/captures/{capture.id}/").content.decode()

    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in page
    assert f'data-status-url="/captures/{capture.id}/status"' in page


def test_the_owner_sees_the_photo_as_a_private_jpeg(client):
    capture = MoodCaptureFactory()
    client.force_login(capture.user)

    response = client.get(f"/captures/{capture.id}/photo")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert "private" in response["Cache-Control"] and "no-cache" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == default_storage.open(capture.image.name).read()


@pytest.mark.parametrize("path", ["/captures/{id}/", "/captures/{id}/status", "/captures/{id}/photo"])
def test_another_users_capture_is_not_found(client, path):
    capture = MoodCaptureFactory()
    client.force_login(UserFactory())

    assert client.get(path.format(id=capture.id)).status_code == 404


def test_another_user_cannot_delete_a_capture(client):
    capture = MoodCaptureFactory()
    client.force_login(UserFactory())

    response = client.post(f"/captures/{capture.id}/delete/")

    assert response.status_code == 404
    assert MoodCapture.objects.filter(id=capture.id).exists()
    assert stored_files() == [capture.image.name]


def test_deleting_a_capture_deletes_its_photo_on_commit(client, django_capture_on_commit_callbacks):
    capture, other = MoodCaptureFactory(), MoodCaptureFactory()
    client.force_login(capture.user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/captures/{capture.id}/delete/")

    assert response.status_code == 302
    assert list(MoodCapture.objects.values_list("id", flat=True)) == [other.id]
    assert stored_files() == [other.image.name]


def test_a_visitor_is_sent_to_the_login_page(client):
    capture = MoodCaptureFactory()

    for path in ["/capture/", f"/captures/{capture.id}/", f"/captures/{capture.id}/status"]:
        assert client.get(path)["Location"].startswith("/accounts/login/")


def test_a_direct_upload_still_being_checked_shows_no_photo_link(client):
    # Its photo is a raw upload until the worker cleans it, and the photo view refuses raw uploads:
    # the page and the status must not point at it (a broken image), only at the clean copy.
    capture = MoodCaptureFactory(image="uploads/0123abcd", status=MoodCapture.Status.QUEUED)
    client.force_login(capture.user)

    page = client.get(f"/captures/{capture.id}/").content.decode()
    status = client.get(f"/captures/{capture.id}/status").json()

    assert 'class="capture-photo"' not in page
    assert status["photo_url"] == ""
    assert client.get(f"/captures/{capture.id}/photo").status_code == 404
