"""Several faces in one photo: each face's box, emotion and whether it decided the reading, in the status JSON
and on the capture's page (as a list in words; face_boxes.js places the boxes)."""

import pytest

from moods.tests.factories import MoodCaptureFactory

pytestmark = pytest.mark.django_db
HAPPY_FACE = {"box": [0.1469, 0.2993, 0.3212, 0.5378], "scores": {"HAPPY": 99.5, "SAD": 0.3, "CALM": 0.2}}
SAD_FACE = {"box": [0.6566, 0.3361, 0.2455, 0.4105], "scores": {"HAPPY": 1.0, "SAD": 97.5, "CALM": 1.5}}
UNREADABLE_FACE = {"box": [0.0, 0.0, 0.05, 0.05], "scores": {"HAPPY": 0.0, "SAD": 0.0, "CALM": 0.0}}


def two_faces(**fields):
    return MoodCaptureFactory(status="done", emotion="HAPPY", confidence=99.5, face_count=3,
                              scores=HAPPY_FACE["scores"], faces=[HAPPY_FACE, SAD_FACE, UNREADABLE_FACE], **fields)


def test_the_status_gives_each_faces_box_in_percent_its_emotion_and_the_largest_as_decider(client):
    capture = two_faces()
    client.force_login(capture.user)

    body = client.get(f"/captures/{capture.id}/status").json()

    assert body["faces"] == [
        {"number": 1, "box": [14.69, 29.93, 32.12, 53.78], "emotion": "HAPPY", "label": "happy", "score": 99.5,
         "decided": True},
        {"number": 2, "box": [65.66, 33.61, 24.55, 41.05], "emotion": "SAD", "label": "sad", "score": 97.5,
         "decided": False},
        {"number": 3, "box": [0.0, 0.0, 5.0, 5.0], "emotion": "", "label": "unreadable", "score": 0.0,
         "decided": False}]
    assert body["photo_url"] == f"/captures/{capture.id}/photo"


def test_in_a_group_reading_every_face_decided(client):
    capture = two_faces(group=True)
    client.force_login(capture.user)

    body = client.get(f"/captures/{capture.id}/status").json()

    assert [face["decided"] for face in body["faces"]] == [True, True, True]


def test_the_capture_page_lists_the_faces_in_words_and_marks_the_boxes_for_the_script(client):
    capture = two_faces()
    client.force_login(capture.user)

    html = client.get(f"/captures/{capture.id}/").content.decode()

    assert "3 faces: the largest face decided the reading." in html
    assert "<li>Face 1 (largest): happy 100 % — decided the reading</li>" in html
    assert "<li>Face 2: sad 98 %</li>" in html
    assert "<li>Face 3: expression unreadable</li>" in html
    assert 'data-box="65.66 33.61 24.55 41.05" aria-hidden="true"><span class="face-tag">2 sad</span>' in html
    assert f'<img src="/captures/{capture.id}/photo" alt="Your photo, with a numbered box' in html
    assert "/static/js/face_boxes.js" in html


def test_a_photo_not_kept_still_gets_the_list_and_says_why_there_are_no_boxes(client):
    capture = two_faces(image="", group=True)
    client.force_login(capture.user)

    html = client.get(f"/captures/{capture.id}/").content.decode()

    assert "3 faces: all of them decided, averaged by size (group photo)." in html
    assert "The photo was not kept, so its boxes cannot be shown." in html
    assert "face-box" not in html and 'data-box="' not in html
