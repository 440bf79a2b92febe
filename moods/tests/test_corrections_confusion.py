"""Listeners' corrections as a signal: the confusion between model and listeners, only for those who opted in."""

import json

import pytest
from django.core.management import CommandError, call_command

from accounts.tests.factories import UserFactory
from moods.models import MoodCapture
from moods.selectors import corrections_confusion

pytestmark = pytest.mark.django_db
FACEAPI, FER = "face-api 1.7.15 (landmark 68 + expression)", "fer mini-Xception"


def corrected(user, model: str, emotion: str, correction: str = "", status: str = "done") -> MoodCapture:
    return MoodCapture.objects.create(user=user, source="upload", status=status, emotion=emotion, confidence=40.0,
                                      model=model, correction=correction)


@pytest.fixture
def readings():
    """Two models' readings corrected by a consenting listener, plus what must not count."""
    consenting, other = UserFactory(share_corrections=True), UserFactory(share_corrections=True)
    for emotion, correction in [("SAD", "CALM"), ("SAD", "CALM"), ("SAD", "SAD"), ("CALM", "HAPPY")]:
        corrected(consenting, FACEAPI, emotion, correction)
    corrected(other, FACEAPI, "ANGRY", "ANGRY")
    corrected(consenting, FER, "FEAR", "SURPRISED")
    corrected(consenting, FACEAPI, "HAPPY")  # read, never corrected
    corrected(UserFactory(), FACEAPI, "SAD", "HAPPY")  # never opted in
    corrected(consenting, FACEAPI, "SAD", "CALM", status="failed")  # not a finished reading


def test_the_confusion_counts_each_models_readings_against_consenting_listeners_corrections(readings):
    faceapi, fer = corrections_confusion()

    assert (faceapi.model, faceapi.emotions, faceapi.total, faceapi.agreed) == (
        FACEAPI, ("HAPPY", "SAD", "ANGRY", "CALM"), 5, 2)
    assert faceapi.counts == {
        "HAPPY": {"HAPPY": 0, "SAD": 0, "ANGRY": 0, "CALM": 0},
        "SAD": {"HAPPY": 0, "SAD": 1, "ANGRY": 0, "CALM": 2},
        "ANGRY": {"HAPPY": 0, "SAD": 0, "ANGRY": 1, "CALM": 0},
        "CALM": {"HAPPY": 1, "SAD": 0, "ANGRY": 0, "CALM": 0},
    }
    assert (faceapi.agreement, faceapi.agreement_percent) == (0.4, 40.0)
    assert (fer.model, fer.emotions, fer.counts, fer.total, fer.agreed) == (
        FER, ("SURPRISED", "FEAR"), {"SURPRISED": {"SURPRISED": 0, "FEAR": 0}, "FEAR": {"SURPRISED": 1, "FEAR": 0}},
        1, 0)


def test_a_listener_who_withdraws_consent_is_no_longer_counted(readings):
    UserFactory._meta.model.objects.filter(share_corrections=True).update(share_corrections=False)

    assert corrections_confusion() == []


def test_the_command_prints_the_matrix_and_agreement_per_model(readings, capsys):
    call_command("evaluate_emotions", "--corrections")

    assert capsys.readouterr().out.splitlines() == [
        f"Model: {FACEAPI}: 5 corrections, agreement 40.0% (2 kept the model's emotion)",
        "Confusion (rows: the model's reading, columns: the listener's correction):",
        "           HAPPY   SAD ANGRY  CALM",
        "  HAPPY        0     0     0     0",
        "  SAD          0     1     0     2",
        "  ANGRY        0     0     1     0",
        "  CALM         1     0     0     0",
        "",
        f"Model: {FER}: 1 corrections, agreement 0.0% (0 kept the model's emotion)",
        "Confusion (rows: the model's reading, columns: the listener's correction):",
        "           SURPR  FEAR",
        "  SURPRISED    0     0",
        "  FEAR         1     0",
    ]


def test_the_command_prints_json(readings, capsys):
    call_command("evaluate_emotions", "--corrections", "--json")

    out = json.loads(capsys.readouterr().out)
    assert [(m["model"], m["total"], m["agreed"], m["agreement"]) for m in out] == [(FACEAPI, 5, 2, 0.4),
                                                                                   (FER, 1, 0, 0.0)]
    assert out[0]["counts"]["SAD"] == {"HAPPY": 0, "SAD": 1, "ANGRY": 0, "CALM": 2}


def test_the_command_says_when_there_is_nothing_to_count(capsys):
    corrected(UserFactory(), FACEAPI, "SAD", "HAPPY")  # not opted in

    call_command("evaluate_emotions", "--corrections")

    assert capsys.readouterr().out == "No corrections yet from listeners who let theirs be counted.\n"


@pytest.mark.parametrize("arguments", [(), ("some/folder", "--corrections")])
def test_the_command_wants_a_folder_or_corrections_not_both(arguments):
    with pytest.raises(CommandError, match=r"^Give either a folder of labelled faces or --corrections\.$"):
        call_command("evaluate_emotions", *arguments)


def test_the_admin_page_shows_the_same_matrix_to_staff_who_may_view_captures(readings, admin_client):
    response = admin_client.get("/admin/moods/moodcapture/corrections/")

    html = response.content.decode()
    assert response.status_code == 200
    assert [(c.model, c.total, c.agreed) for c in response.context["confusions"]] == [(FACEAPI, 5, 2), (FER, 1, 0)]
    assert "5 corrections;\n    agreement 40.0 % (2 kept the model's emotion)" in html
    assert "<tr><th scope=\"row\">sad</th><td>0</td><td>1</td><td>0</td><td>2</td><td>3</td></tr>" in html
    changelist = admin_client.get("/admin/moods/moodcapture/").content.decode()
    assert 'href="/admin/moods/moodcapture/corrections/"' in changelist


def test_a_curator_cannot_open_the_corrections_page(readings, client):
    from music.tests.factories import curator_create

    client.force_login(curator_create())

    assert client.get("/admin/moods/moodcapture/corrections/").status_code == 403
