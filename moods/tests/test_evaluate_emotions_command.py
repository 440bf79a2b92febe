"""manage.py evaluate_emotions DIR: accuracy, recall per class, confusion, no-face count, time per image."""

import json

import pytest
from django.core.management import CommandError, call_command

from moods.tests.images import blank_jpeg


@pytest.fixture
def small_set(shared_data, tmp_path):
    """A folder-per-label set linking to the shared photos (never copied), plus one picture without a face."""
    for label, names in {"happy": ["KA.HA1.29.png", "KL.HA1.158.png"], "surprise": ["KA.SU3.38.png"]}.items():
        (tmp_path / label).mkdir()
        for name in names:
            (tmp_path / label / name).symlink_to(shared_data / "faces" / label / name)
    (tmp_path / "neutral").mkdir()
    (tmp_path / "neutral" / "wall.jpg").write_bytes(blank_jpeg())
    (tmp_path / "neutral" / "notes.txt").write_text("not an image: skipped")
    return tmp_path


def test_json_summary(small_set, capsys):
    call_command("evaluate_emotions", str(small_set), "--json")

    out = json.loads(capsys.readouterr().out)
    assert (out["root"], out["images"], out["accuracy"], out["no_face"]) == (str(small_set), 4, 0.75, 1)
    assert (out["model"], out["happy_recall"]) == ("face-api 1.7.15 (landmark 68 + expression)", 1.0)
    assert out["recall"] == {"CALM": 0.0, "HAPPY": 1.0, "SURPRISED": 1.0}
    assert out["confusion"]["HAPPY"]["HAPPY"] == 2
    assert out["confusion"]["CALM"] == {"HAPPY": 0, "SAD": 0, "ANGRY": 0, "CONFUSED": 0, "DISGUSTED": 0,
                                        "SURPRISED": 0, "CALM": 0, "FEAR": 0, "NO_FACE": 1}
    assert 0 < out["ms_per_image_p50"] <= out["ms_per_image_p95"]


def test_text_report(small_set, capsys):
    call_command("evaluate_emotions", str(small_set))

    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(f"{small_set}: 4 images, accuracy 75.0%, no face 1, ")
    assert out[1] == "Model: face-api 1.7.15 (landmark 68 + expression); happy recall 100.0%"
    assert out[3:7] == ["Recall per class:", "  CALM       0.0%", "  HAPPY      100.0%", "  SURPRISED  100.0%"]
    assert out[8] == "Confusion (rows: true label, columns: prediction):"
    assert out[10] == "  CALM         0     0     0     0     0     0     0     0     1"


def test_a_folder_without_label_folders_is_an_error(tmp_path):
    with pytest.raises(CommandError, match="no labelled images under"):
        call_command("evaluate_emotions", str(tmp_path))


def test_an_image_too_small_for_the_detector_counts_as_no_face_and_the_run_goes_on(small_set, capsys):
    (small_set / "neutral" / "tiny.jpg").write_bytes(blank_jpeg((30, 40)))  # under the detectors' 48 px

    call_command("evaluate_emotions", str(small_set), "--json")

    out = json.loads(capsys.readouterr().out)
    assert (out["images"], out["accuracy"], out["no_face"]) == (5, 0.6, 2)
    assert out["confusion"]["CALM"]["NO_FACE"] == 2
