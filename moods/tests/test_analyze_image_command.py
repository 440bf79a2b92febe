"""manage.py analyze_image PATH: the faces and scores in one image."""

import json

import pytest
from django.core.management import CommandError, call_command

from moods.tests.images import blank_jpeg


def test_prints_the_reading_of_a_happy_face(shared_data, capsys):
    path = shared_data / "faces" / "happy" / "KA.HA1.29.png"

    call_command("analyze_image", str(path), "--backend", "local")

    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(f"{path} (256x256): HAPPY ")
    assert lines[0].endswith("% from 1 face(s)")
    assert lines[1].startswith("  face 1 [left, top, width, height = ")
    assert "]: HAPPY " in lines[1]
    assert len(lines) == 2


def test_json_output_has_every_score(shared_data, capsys):
    path = shared_data / "faces_wild" / "happy" / "Dan_Kellner_0001.jpg"

    call_command("analyze_image", str(path), "--json")

    out = json.loads(capsys.readouterr().out)
    assert (out["image"], out["width"], out["height"], out["emotion"], out["face_count"]) == (
        str(path), 350, 350, "HAPPY", 1)
    assert sorted(out["faces"][0]["scores"]) == ["ANGRY", "CALM", "DISGUSTED", "FEAR", "HAPPY", "SAD", "SURPRISED"]
    assert out["confidence"] == max(out["faces"][0]["scores"].values())


def test_an_image_without_a_face_says_so(tmp_path, capsys):
    path = tmp_path / "wall.jpg"
    path.write_bytes(blank_jpeg())

    call_command("analyze_image", str(path))

    assert capsys.readouterr().out == f"{path} (400x300): no face found\n"


def test_a_file_that_is_not_an_image_is_an_error(tmp_path):
    path = tmp_path / "notes.jpg"
    path.write_text("hello")

    with pytest.raises(CommandError, match=r"notes\.jpg: "):
        call_command("analyze_image", str(path))
