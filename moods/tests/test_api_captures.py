"""/api/captures/: send a photo or a mood, list and filter, read one, delete one; only ever your own."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.tests.factories import UserFactory
from cloudscendo.tests.api import token_client
from moods.models import Emotion, MoodCapture
from moods.tests.factories import MoodCaptureFactory, stored_files
from moods.tests.images import astronaut_jpeg

pytestmark = pytest.mark.django_db


def _photo(content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile("me.jpg", astronaut_jpeg() if content is None else content, content_type="image/jpeg")


def test_a_photo_is_stored_and_queued_with_the_strategy_asked_for(django_capture_on_commit_callbacks):
    user = UserFactory(strategy="match")

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = token_client(user).post("/api/captures/", {"photo": _photo(), "strategy": "uplift",
                                                              "group": "true"}, format="multipart")

    assert response.status_code == 202
    capture = MoodCapture.objects.get(user=user)
    body = response.json()
    assert (body["id"], body["status"], body["source"], body["strategy"]) == (capture.id, "queued", "upload", "uplift")
    assert (capture.status, capture.strategy, capture.group) == ("queued", "uplift", True)
    assert body["emotions"] is None  # not a row of zeros before the analysis
    assert body["image_url"].startswith("http://testserver/api/photos/")
    assert stored_files() == [capture.image.name]
    assert len(callbacks) == 1  # the analysis, enqueued after commit


def test_a_picked_mood_is_stored_with_the_strategy_asked_for_in_its_one_insert(django_capture_on_commit_callbacks):
    user = UserFactory(strategy="match")
    client = token_client(user)

    with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks(execute=False):
        response = client.post("/api/captures/", {"emotion": "SAD", "strategy": "uplift"}, format="json")

    assert response.status_code == 201
    assert MoodCapture.objects.values_list("strategy", flat=True).get(user=user) == "uplift"
    writes = [query["sql"].split()[0] for query in queries if '"moods_moodcapture"' in query["sql"]
              and not query["sql"].startswith("SELECT")]
    assert writes == ["INSERT"]


def test_a_picked_mood_is_done_at_once():
    user = UserFactory(strategy="uplift")

    response = token_client(user).post("/api/captures/", {"emotion": "SAD"}, format="json")

    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["source"], body["emotion"], body["confidence"]) == ("done", "manual", "SAD", 100.0)
    assert body["strategy"] == "uplift"
    assert body["emotions"]["SAD"] == 100.0 and body["emotions"]["HAPPY"] == 0.0
    assert body["image_url"] is None


def test_an_unknown_mood_is_refused_with_field_details():
    user = UserFactory()

    response = token_client(user).post("/api/captures/", {"emotion": "BORED"}, format="json")

    assert response.status_code == 400
    assert response.json() == {"detail": "The request is not valid.", "code": "invalid",
                               "fields": {"emotion": ['"BORED" is not a valid choice.']}}
    assert not MoodCapture.objects.exists()


def test_a_file_that_is_not_a_photo_is_refused_and_nothing_is_stored():
    user = UserFactory()

    response = token_client(user).post("/api/captures/", {"image": _photo(b"not an image at all" * 10)},
                                       format="multipart")

    assert response.status_code == 400
    assert response.json()["fields"] == {"image": ["This file is not an image. Send a JPEG, PNG or WebP photo."]}
    assert not MoodCapture.objects.exists()
    assert stored_files() == []


def test_captures_are_throttled_per_user_with_retry_after(settings):
    settings.CAPTURE_RATE = "2/min"
    user, other = UserFactory(), UserFactory()
    client = token_client(user)
    for _ in range(2):
        assert client.post("/api/captures/", {"emotion": "SAD"}, format="json").status_code == 201

    response = client.post("/api/captures/", {"emotion": "SAD"}, format="json")

    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    assert 0 < int(response["Retry-After"]) <= 60
    assert MoodCapture.objects.filter(user=user).count() == 2
    assert client.get("/api/captures/").status_code == 200  # reading is not throttled
    assert token_client(other).post("/api/captures/", {"emotion": "SAD"}, format="json").status_code == 201


def _at(user, emotion: str, day: datetime.date) -> MoodCapture:
    when = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
    return MoodCapture.objects.create(user=user, source="manual", status="done", emotion=emotion, created_at=when)


def test_the_list_is_newest_first_paginated_and_filtered_by_days_and_emotion():
    user = UserFactory()
    old = _at(user, "SAD", datetime.date(2026, 3, 1))
    middle = _at(user, "HAPPY", datetime.date(2026, 3, 5))
    new = _at(user, "SAD", datetime.date(2026, 3, 9))
    _at(UserFactory(), "SAD", datetime.date(2026, 3, 5))  # someone else's
    client = token_client(user)

    everything = client.get("/api/captures/").json()
    by_days = client.get("/api/captures/", {"from": "2026-03-05", "to": "2026-03-09"}).json()
    sad = client.get("/api/captures/", {"emotion": "SAD"}).json()

    assert everything["count"] == 3
    assert [row["id"] for row in everything["results"]] == [new.id, middle.id, old.id]
    assert [row["id"] for row in by_days["results"]] == [new.id, middle.id]
    assert [row["id"] for row in sad["results"]] == [new.id, old.id]


def test_bad_filters_are_refused_with_field_details():
    response = token_client(UserFactory()).get("/api/captures/", {"from": "yesterday", "emotion": "BORED"})

    assert response.status_code == 400
    assert response.json()["fields"] == {
        "from": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."],
        "emotion": ['"BORED" is not a valid choice.']}


def test_one_capture_with_every_field():
    capture = MoodCaptureFactory(status="done", emotion="HAPPY", confidence=87.5, face_count=1,
                                 scores={"HAPPY": 87.5, "CALM": 12.5}, model="fer 25.10.3 mini-Xception (int8 TFLite)",
                                 faces=[{"box": [0.1, 0.2, 0.3, 0.4], "scores": {"HAPPY": 87.5}}])

    body = token_client(capture.user).get(f"/api/captures/{capture.id}/").json()

    assert set(body) == {"id", "status", "source", "emotion", "correction", "confidence", "emotions", "faces", "model",
                         "error", "strategy", "created_at", "finished_at", "image_url", "recommendations"}
    assert body["model"] == "fer 25.10.3 mini-Xception (int8 TFLite)"
    # an emotion the backend did not score is null, not 0
    assert body["emotions"] == {**dict.fromkeys(Emotion.values), "HAPPY": 87.5, "CALM": 12.5}
    assert body["faces"] == [{"box": [0.1, 0.2, 0.3, 0.4], "scores": {**dict.fromkeys(Emotion.values), "HAPPY": 87.5}}]
    assert body["recommendations"] == []


def test_the_image_url_serves_the_photo_without_a_session_and_a_forged_one_does_not():
    capture = MoodCaptureFactory()
    url = token_client(capture.user).get(f"/api/captures/{capture.id}/").json()["image_url"]

    photo = APIClient().get(url)
    forged = APIClient().get(url[:-3] + "abc/")

    assert photo.status_code == 200
    assert b"".join(photo.streaming_content) == capture.image.open("rb").read()
    assert forged.status_code == 404


def test_the_image_url_expires(settings):
    capture = MoodCaptureFactory()
    url = token_client(capture.user).get(f"/api/captures/{capture.id}/").json()["image_url"]
    settings.PHOTO_URL_EXPIRE_SECONDS = -1  # every link is older than that

    assert APIClient().get(url).status_code == 404


def test_someone_elses_capture_is_not_found():
    capture = MoodCaptureFactory()

    response = token_client(UserFactory()).get(f"/api/captures/{capture.id}/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "code": "not_found"}


def test_delete_removes_the_capture_and_its_photo(django_capture_on_commit_callbacks):
    capture = MoodCaptureFactory()

    with django_capture_on_commit_callbacks(execute=True):
        response = token_client(capture.user).delete(f"/api/captures/{capture.id}/")

    assert response.status_code == 204
    assert not MoodCapture.objects.exists()
    assert stored_files() == []


def test_deleting_someone_elses_capture_is_not_found_and_changes_nothing(django_capture_on_commit_callbacks):
    capture = MoodCaptureFactory()

    with django_capture_on_commit_callbacks(execute=True):
        response = token_client(UserFactory()).delete(f"/api/captures/{capture.id}/")

    assert response.status_code == 404
    assert MoodCapture.objects.filter(id=capture.id).exists()
    assert stored_files() == [capture.image.name]


@pytest.mark.parametrize(("method", "path"), [("get", "/api/captures/"), ("post", "/api/captures/"),
                                              ("get", "/api/captures/1/"), ("delete", "/api/captures/1/")])
def test_captures_need_authentication(method, path):
    capture = MoodCaptureFactory(id=1)

    response = getattr(APIClient(), method)(path, {"emotion": "SAD"} if method == "post" else None, format="json")

    assert response.status_code == 401
    assert MoodCapture.objects.get() == capture


@pytest.mark.parametrize("page", ["", "x", "9"])
def test_a_page_that_does_not_exist_is_not_found(page):
    response = token_client(UserFactory()).get("/api/captures/", {"page": page})

    assert response.status_code == 404
    assert response.json() == {"detail": "Invalid page.", "code": "not_found"}


def test_the_old_field_name_image_still_works_for_one_release_and_its_errors_name_it():
    user = UserFactory()

    accepted = token_client(user).post("/api/captures/", {"image": _photo()}, format="multipart")
    refused = token_client(user).post("/api/captures/", {"image": _photo(b"not a photo")}, format="multipart")

    assert accepted.status_code == 202
    assert (refused.status_code, refused.json()["fields"]) == (
        400, {"image": ["This file is not an image. Send a JPEG, PNG or WebP photo."]})
    assert MoodCapture.objects.filter(user=user).count() == 1


@pytest.mark.parametrize("files", [{}, {"photo": "both", "image": "both"}])
def test_a_photo_must_come_once_as_photo(files):
    user = UserFactory()
    body = {name: _photo() for name in files}

    response = token_client(user).post("/api/captures/", body or {"group": "true"}, format="multipart")

    assert (response.status_code, response.json()["fields"]) == (400, {"photo": ["Send one photo, as `photo`."]})
    assert not MoodCapture.objects.filter(user=user).exists()
