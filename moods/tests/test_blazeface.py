"""BlazeFace's face boxes on real photos: the short-range model, the full-range one for small faces, none on a blank."""

import numpy as np
from PIL import Image

from moods.emotion import blazeface
from moods.emotion.local import decode_grey, find_faces
from moods.tests.images import astronaut, blank_jpeg, encoded


def _grey(data: bytes) -> np.ndarray:
    return decode_grey(data)[0]


def _centre(box) -> tuple[float, float]:
    return box.x + box.w / 2, box.y + box.h / 2


def test_one_face_on_a_jaffe_portrait_where_haar_finds_it_too(shared_data):
    grey = _grey((shared_data / "faces/happy/KA.HA1.29.png").read_bytes())

    faces, haar = blazeface.find_faces(grey), find_faces(grey)

    assert len(faces) == 1
    # the same face: centres within a fifth of Haar's box, sizes within 25 %
    (x, y), (hx, hy) = _centre(faces[0]), _centre(haar[0])
    assert abs(x - hx) < haar[0].w / 5 and abs(y - hy) < haar[0].w / 5
    assert 0.75 < faces[0].w / haar[0].w < 1.25


def test_a_tight_wild_crop_is_found_with_the_border_retry(shared_data):
    grey = _grey((shared_data / "faces_wild/angry/Tommy_Haas_0006.jpg").read_bytes())

    first_try = blazeface._detect(grey, blazeface.SHORT_RANGE, border=0.0)
    full_range = blazeface._detect(grey, blazeface.FULL_RANGE, border=0.0)
    faces = blazeface.find_faces(grey)

    assert first_try == full_range == []
    assert len(faces) == 1
    assert faces[0].w > 0.3 * grey.shape[1]


def test_a_small_face_is_left_to_the_full_range_model(monkeypatch):
    # the astronaut at 1/5 of a 1000 px canvas: ~10 px of the short-range model's 128 px input
    canvas = Image.new("RGB", (1000, 750), (120, 120, 120))
    canvas.paste(astronaut().resize((400, 400)), (300, 200))
    grey = _grey(encoded(canvas, quality=90))

    short = blazeface._detect(grey, blazeface.SHORT_RANGE, border=0.0)
    detect, tries = blazeface._detect, []
    monkeypatch.setattr(blazeface, "_detect", lambda grey, model, *, border: tries.append((model, border))
                        or detect(grey, model, border=border))
    faces = blazeface.find_faces(grey)

    assert short == []
    assert tries == [(blazeface.SHORT_RANGE, 0.0), (blazeface.FULL_RANGE, 0.0)]  # no bordered retry first
    assert len(faces) == 1
    x, y = _centre(faces[0])
    assert 300 < x < 700 and 200 < y < 600  # inside the pasted photo


def test_no_face_on_a_blank_picture():
    assert blazeface.find_faces(_grey(blank_jpeg())) == []


def test_the_anchors_are_the_models_output_rows():
    assert blazeface.ANCHORS[blazeface.SHORT_RANGE].shape == (896, 2)
    assert blazeface.ANCHORS[blazeface.FULL_RANGE].shape == (2304, 2)
