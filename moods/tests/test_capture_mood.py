"""POST /capture/mood/: a mood picked by hand is done at once and fires the done hooks."""

import pytest

from accounts.tests.factories import UserFactory
from moods import services
from moods.models import MoodCapture

pytestmark = pytest.mark.django_db

done_calls: list[int] = []  # capture ids seen by record_done


def record_done(*, capture):
    """A done hook like the music app's: what it returns runs inside the transaction that ends the capture."""
    return lambda: done_calls.append(capture.id)


def test_picking_a_mood_without_javascript_records_it_and_redirects_to_the_result(
        client, monkeypatch, django_capture_on_commit_callbacks):
    done_calls.clear()
    monkeypatch.setattr(services, "DONE_HOOKS", (f"{__name__}.record_done",))
    user = UserFactory(strategy="uplift")
    client.force_login(user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/capture/mood/", {"emotion": "SAD"})

    capture = MoodCapture.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/captures/{capture.id}/"
    assert (capture.user, capture.source, capture.status, capture.emotion, capture.confidence, capture.strategy,
            capture.image.name) == (user, "manual", "done", "SAD", 100.0, "uplift", "")
    assert capture.scores == {"HAPPY": 0.0, "SAD": 100.0, "ANGRY": 0.0, "CONFUSED": 0.0, "DISGUSTED": 0.0,
                              "SURPRISED": 0.0, "CALM": 0.0, "FEAR": 0.0}
    assert done_calls == [capture.id]
    assert "You picked: <strong>sad</strong>" in client.get(response["Location"]).content.decode()


def test_picking_a_mood_from_the_page_script_answers_201_with_the_result(client):
    client.force_login(UserFactory())

    response = client.post("/capture/mood/", {"emotion": "CALM"}, HTTP_ACCEPT="application/json")

    assert response.status_code == 201
    body = response.json()
    assert (body["source"], body["status"], body["pending"], body["emotion"], body["emotion_label"],
            body["uncertain"]) == ("manual", "done", False, "CALM", "calm", False)


def test_an_unknown_mood_is_refused_and_records_nothing(client):
    client.force_login(UserFactory())

    response = client.post("/capture/mood/", {"emotion": "SMUG"}, HTTP_ACCEPT="application/json")

    assert response.status_code == 400
    assert response.json() == {"detail": "Pick one of the eight moods."}
    assert not MoodCapture.objects.exists()
