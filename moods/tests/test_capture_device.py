"""POST /capture/device/ and /capture/live/: readings made in the browser, scores and boxes only, strictly checked."""

import json

import pytest

from accounts.tests.factories import UserFactory
from moods import services
from moods.device import DEVICE_MODELS
from moods.models import MoodCapture

pytestmark = pytest.mark.django_db

MODEL = DEVICE_MODELS[0]
# HAPPY, SAD, ANGRY, CONFUSED, DISGUSTED, SURPRISED, CALM, FEAR: face-api has no CONFUSED.
SMILE = [81.5, 2.0, 1.0, None, 0.5, 5.0, 10.0, 0.0]
FROWN = [1.0, 70.0, 4.0, None, 5.0, 0.0, 19.0, 1.0]
done_calls: list[int] = []


def record_done(*, capture):
    """A done hook like the music app's: what it returns runs inside the transaction that ends the capture."""
    return lambda: done_calls.append(capture.id)


def _post(client, url: str, body) -> tuple[int, dict]:
    response = client.post(url, json.dumps(body), content_type="application/json", HTTP_ACCEPT="application/json")
    return response.status_code, response.json()


@pytest.fixture
def listener(client):
    user = UserFactory(strategy="uplift")
    client.force_login(user)
    return user


def test_a_device_reading_is_saved_done_with_its_faces_model_and_no_photo_and_its_songs_are_queued(
        client, listener, monkeypatch, django_capture_on_commit_callbacks):
    done_calls.clear()
    monkeypatch.setattr(services, "DONE_HOOKS", (f"{__name__}.record_done",))
    faces = [{"box": [0.1, 0.2, 0.1, 0.1], "scores": FROWN}, {"box": [0.4, 0.1, 0.3, 0.4], "scores": SMILE}]

    with django_capture_on_commit_callbacks(execute=True):
        status, body = _post(client, "/capture/device/", {"model": MODEL, "faces": faces})

    capture = MoodCapture.objects.get()
    assert status == 201
    assert (body["id"], body["status"], body["emotion"], body["confidence"], body["model"]) == (
        capture.id, "done", "HAPPY", 81.5, MODEL)
    assert body["songs_list_url"] == f"/captures/{capture.id}/songs/list/"
    assert (capture.user, capture.source, capture.backend, capture.model, capture.image.name, capture.face_count,
            capture.strategy, capture.timeline) == (listener, "device", "device", MODEL, "", 2, "uplift", [])
    # the largest face decides; CONFUSED is absent, as in a server reading with face-api
    assert capture.scores == {"HAPPY": 81.5, "SAD": 2.0, "ANGRY": 1.0, "DISGUSTED": 0.5, "SURPRISED": 5.0,
                              "CALM": 10.0, "FEAR": 0.0}
    assert [face["box"] for face in capture.faces] == [[0.4, 0.1, 0.3, 0.4], [0.1, 0.2, 0.1, 0.1]]
    assert done_calls == [capture.id]


def test_a_kept_live_session_is_one_capture_with_its_timeline_and_the_average_as_its_reading(client, listener):
    timeline = [{"t": 0.9, "scores": SMILE}, {"t": 5.2, "scores": FROWN}, {"t": 10.1, "scores": FROWN}]

    status, body = _post(client, "/capture/live/", {"model": MODEL, "timeline": timeline})

    capture = MoodCapture.objects.get()
    assert (status, body["emotion"], capture.source, capture.face_count, capture.faces) == (
        201, "SAD", "live", 1, [])
    assert capture.scores["SAD"] == round((2.0 + 70.0 + 70.0) / 3, 2)
    assert "CONFUSED" not in capture.scores
    assert [sample["t"] for sample in capture.timeline] == [0.9, 5.2, 10.1]
    assert capture.timeline[0]["scores"]["HAPPY"] == 81.5


@pytest.mark.parametrize(("scores", "message"), [
    (SMILE[:7], "faces[0].scores: send 8 scores, in this order: HAPPY, SAD, ANGRY, CONFUSED, DISGUSTED, "
                "SURPRISED, CALM, FEAR."),
    ([*SMILE, 0.0], "faces[0].scores: send 8 scores, in this order: HAPPY, SAD, ANGRY, CONFUSED, DISGUSTED, "
                    "SURPRISED, CALM, FEAR."),
    ({"HAPPY": 100}, "faces[0].scores: send 8 scores, in this order: HAPPY, SAD, ANGRY, CONFUSED, DISGUSTED, "
                     "SURPRISED, CALM, FEAR."),
    ([101.0, 0, 0, None, 0, 0, -1.0, 0], "faces[0].scores: the HAPPY score must be a number from 0 to 100, or null."),
    ([90.0, 0, 0, None, 0, 0, 10.0, -0.5], "faces[0].scores: the FEAR score must be a number from 0 to 100, or null."),
    ([90.0, "5", 0, None, 0, 0, 5.0, 0], "faces[0].scores: the SAD score must be a number from 0 to 100, or null."),
    ([90.0, True, 0, None, 0, 0, 9.0, 0], "faces[0].scores: the SAD score must be a number from 0 to 100, or null."),
    ([0.8, 0.1, 0, None, 0, 0, 0.1, 0], "faces[0].scores: the scores must add up to 100 (±1); these add up to 1.00."),
    ([60.0, 30.0, 20.0, None, 0, 0, 0, 0], "faces[0].scores: the scores must add up to 100 (±1); "
                                           "these add up to 110.00."),
    ([None] * 8, "faces[0].scores: the scores must add up to 100 (±1); these add up to 0.00."),
])
def test_device_scores_that_are_not_one_reading_get_a_clear_400_and_nothing_is_saved(client, listener, scores,
                                                                                     message):
    status, body = _post(client, "/capture/device/", {"model": MODEL, "faces": [{"box": [0, 0, 1, 1],
                                                                                  "scores": scores}]})

    assert (status, body) == (400, {"detail": message})
    assert not MoodCapture.objects.exists()


@pytest.mark.parametrize(("body", "message"), [
    ([], "Send a JSON object."),
    ({"model": "my own net", "faces": [{"box": [0, 0, 1, 1], "scores": SMILE}]},
     f"model: must be one of: {MODEL}."),
    ({"model": MODEL, "faces": []}, "faces: send 1 to 20 faces (none found: nothing to save)."),
    ({"model": MODEL, "faces": [{"box": [0, 0, 1, 1], "scores": SMILE}] * 21},
     "faces: send 1 to 20 faces (none found: nothing to save)."),
    ({"model": MODEL, "faces": [{"box": [0, 0, 1], "scores": SMILE}]},
     "faces[0].box: the box must be 4 numbers: left, top, width, height."),
    ({"model": MODEL, "faces": [{"box": [0.5, 0.5, 0.6, 0.2], "scores": SMILE}]},
     "faces[0].box: the box must be fractions of the picture, inside it."),
    ({"model": MODEL, "faces": [{"box": [0, 0, 1, 1], "scores": SMILE}], "image": "/9j/4AAQSkZJRg=="},
     "A device reading carries scores and boxes only, never a photo."),
])
def test_a_device_reading_of_the_wrong_shape_gets_a_clear_400(client, listener, body, message):
    assert _post(client, "/capture/device/", body) == (400, {"detail": message})
    assert not MoodCapture.objects.exists()


@pytest.mark.parametrize(("timeline", "message"), [
    ([], "timeline: send 1 to 720 samples."),
    ([{"t": 1, "scores": SMILE}] * 721, "timeline: send 1 to 720 samples."),
    ([{"t": 5, "scores": SMILE}, {"t": 5, "scores": SMILE}],
     "timeline[1].t: seconds from the session's start, increasing, at most 86400."),
    ([{"scores": SMILE}], "timeline[0].t: seconds from the session's start, increasing, at most 86400."),
    ([{"t": 1, "scores": SMILE}, {"t": 6, "scores": [50.0] * 8}],
     "timeline[1].scores: the scores must add up to 100 (±1); these add up to 400.00."),
])
def test_a_live_session_with_a_bad_timeline_gets_a_clear_400(client, listener, timeline, message):
    assert _post(client, "/capture/live/", {"model": MODEL, "timeline": timeline}) == (400, {"detail": message})
    assert not MoodCapture.objects.exists()


def test_a_body_that_is_not_json_gets_a_400(client, listener):
    response = client.post("/capture/device/", b"\xff\xd8\xff\xe0 a jpeg", content_type="image/jpeg")

    assert (response.status_code, response.json()) == (400, {"detail": "Send the reading as JSON."})
    assert not MoodCapture.objects.exists()


def test_someone_signed_out_cannot_post_a_reading(client):
    response = client.post("/capture/device/", json.dumps({"model": MODEL, "faces": []}),
                           content_type="application/json")

    assert response.status_code == 302
    assert not MoodCapture.objects.exists()


def test_the_capture_page_alone_may_compile_webassembly_for_the_device_reader(client, listener):
    capture_csp = client.get("/capture/")["Content-Security-Policy"]
    other_csp = client.get("/")["Content-Security-Policy"]

    assert "script-src 'self' 'wasm-unsafe-eval';" in capture_csp
    assert "script-src 'self';" in other_csp
    assert "'unsafe-eval'" not in capture_csp.replace("'wasm-unsafe-eval'", "")


def _api_post(api_client, url: str, body) -> tuple[int, dict]:
    response = api_client.post(url, body, format="json")
    return response.status_code, response.json()


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(UserFactory())
    return client


def test_the_api_saves_a_device_reading_and_a_live_session_done_at_once(api_client):
    faces = [{"box": [0.2, 0.1, 0.5, 0.6], "scores": SMILE}]

    status, body = _api_post(api_client, "/api/captures/device/", {"model": MODEL, "faces": faces})
    live_status, live = _api_post(api_client, "/api/captures/live/",
                                  {"model": MODEL, "timeline": [{"t": 1, "scores": FROWN}]})

    assert (status, body["source"], body["status"], body["emotion"], body["model"], body["image_url"]) == (
        201, "device", "done", "HAPPY", MODEL, None)
    assert body["emotions"]["CONFUSED"] is None and body["faces"][0]["box"] == [0.2, 0.1, 0.5, 0.6]
    assert (live_status, live["source"], live["emotion"]) == (201, "live", "SAD")


@pytest.mark.parametrize(("url", "body", "field", "message"), [
    ("/api/captures/device/", {"model": MODEL, "faces": [{"box": [0, 0, 1, 1], "scores": SMILE[:6]}]}, "faces",
     "faces[0].scores: send 8 scores, in this order: HAPPY, SAD, ANGRY, CONFUSED, DISGUSTED, SURPRISED, CALM, "
     "FEAR."),
    ("/api/captures/device/", {"model": MODEL, "faces": [{"box": [0, 0, 1, 1], "scores": [*SMILE[:7], 200]}]},
     "faces", "faces[0].scores: the FEAR score must be a number from 0 to 100, or null."),
    ("/api/captures/live/", {"model": MODEL, "timeline": [{"t": 1, "scores": [10, 10, 10, None, 10, 10, 10, 10]}]},
     "timeline", "timeline[0].scores: the scores must add up to 100 (±1); these add up to 70.00."),
    # Errors outside the faces or the timeline are reported where they are, not under "faces".
    ("/api/captures/device/", {"model": "some-other-net", "faces": []}, "model",
     "model: must be one of: " + "; ".join(DEVICE_MODELS) + "."),
    ("/api/captures/device/", {"model": MODEL, "faces": [], "photo": "data:image/jpeg;base64,AAAA"},
     "non_field_errors", "A device reading carries scores and boxes only, never a photo."),
])
def test_the_api_refuses_device_scores_that_are_not_one_reading_with_a_clear_400(api_client, url, body, field,
                                                                                 message):
    assert _api_post(api_client, url, body) == (
        400, {"detail": "The request is not valid.", "code": "invalid", "fields": {field: [message]}})
    assert not MoodCapture.objects.exists()


def test_the_api_takes_device_readings_as_json_only(api_client):
    response = api_client.post("/api/captures/device/", {"model": MODEL}, format="multipart")

    assert response.status_code == 415
    assert not MoodCapture.objects.exists()


def test_a_kept_sessions_page_shows_its_timeline_and_no_photo(client, listener):
    timeline = [{"t": 4.2, "scores": SMILE}, {"t": 65.0, "scores": FROWN}]
    _, body = _post(client, "/capture/live/", {"model": MODEL, "timeline": timeline})

    page = client.get(f"/captures/{body['id']}/").content.decode()

    assert "Live session on this device, " in page
    assert '<td>0:04</td><td data-emotion="HAPPY">Happy</td><td>81.5%</td>' in page
    assert '<td>1:05</td><td data-emotion="SAD">Sad</td><td>70.0%</td>' in page
    assert "The photo you sent" not in page


def test_every_device_model_name_fits_the_captures_model_column():
    assert max(len(name) for name in DEVICE_MODELS) <= MoodCapture._meta.get_field("model").max_length
