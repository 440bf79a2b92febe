"""Both local readers (face-api's nets, and fer's model on LiteRT, the fallback) on real photos from ../shared/data."""

import pytest
from PIL import Image

from moods.emotion import EMOTIONS, InputRejected, get_detector
from moods.tests.images import astronaut, astronaut_jpeg, blank_jpeg, encoded

CLEARLY_HAPPY = ["faces/happy/KA.HA1.29.png", "faces/happy/KL.HA1.158.png", "faces/happy/KM.HA1.4.png",
                 "faces_wild/happy/Akmal_Taher_0001.jpg", "faces_wild/happy/Dan_Kellner_0001.jpg",
                 "faces_wild/happy/Elena_Bereznaya_0001.jpg"]
CLEARLY_SURPRISED = ["faces/surprise/KA.SU3.38.png", "faces/surprise/KL.SU2.165.png"]


@pytest.fixture(scope="module", params=["local-faceapi", "local-fer"])
def detector(request):
    if request.param == "local-faceapi":
        request.getfixturevalue("faceapi_files")
    return get_detector(request.param)


@pytest.mark.parametrize("name", CLEARLY_HAPPY)
def test_a_clearly_happy_face_reads_happy(detector, shared_data, name):
    analysis = detector.detect((shared_data / name).read_bytes())

    assert len(analysis.faces) == 1
    emotion, confidence = analysis.faces[0].dominant()
    assert emotion == "HAPPY"
    assert confidence > 75


@pytest.mark.parametrize("name", CLEARLY_SURPRISED)
def test_a_clearly_surprised_face_reads_surprised(detector, shared_data, name):
    assert detector.detect((shared_data / name).read_bytes()).faces[0].dominant()[0] == "SURPRISED"


def test_the_astronaut_reads_happy_with_scores_for_every_emotion(detector):
    analysis = detector.detect(astronaut_jpeg())

    assert (analysis.width, analysis.height, len(analysis.faces)) == (512, 512, 1)
    face = analysis.faces[0]
    assert face.dominant()[0] == "HAPPY"
    assert sorted(face.scores) == sorted(set(EMOTIONS) - {"CONFUSED"})  # neither model has such a class
    assert sum(face.scores.values()) == pytest.approx(100.0)
    left, top, width, height = face.box
    assert 0 <= left < left + width <= 1 and 0 <= top < top + height <= 1


def test_a_sideways_phone_photo_is_turned_upright_before_reading(detector):
    exif = Image.Exif()
    exif[0x0112] = 8  # view = stored pixels turned 90 degrees clockwise
    sideways = encoded(astronaut().rotate(-90, expand=True), "JPEG", exif=exif.tobytes())

    assert detector.detect(sideways).faces[0].dominant()[0] == "HAPPY"


def test_an_image_without_a_face_has_no_faces(detector):
    analysis = detector.detect(blank_jpeg())

    assert (analysis.faces, analysis.width, analysis.height) == ((), 400, 300)


def test_bytes_that_are_not_an_image_are_rejected(detector):
    with pytest.raises(InputRejected):
        detector.detect(b"not an image at all")
