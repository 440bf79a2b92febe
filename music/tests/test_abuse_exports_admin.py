"""Issue 13: exports never carry a formula, and the admin keeps track text to one line and video ids to YouTube's."""

import csv
import io

import pytest

from moods.history.exports import history_csv
from moods.models import MoodCapture
from music.models import Track
from music.tests.factories import DoneCaptureFactory, TrackFactory, curator_create

pytestmark = pytest.mark.django_db

FORMULAS = ["=HYPERLINK(\"http://evil.example\",\"x\")", "+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)", "\tTab",
            "\rReturn"]


def test_the_songs_csv_neutralises_every_formula_prefix(client, django_capture_on_commit_callbacks):
    for n, name in enumerate(FORMULAS):
        TrackFactory(name=name, artist=f"@artist {n}", album="=album", valence=0.1, energy=0.1 + n / 1000, mood="calm")
    capture = DoneCaptureFactory(emotion="CALM")
    client.force_login(capture.user)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(f"/captures/{capture.id}/songs/")  # builds the list, at commit

    rows = list(csv.DictReader(io.StringIO(client.get(f"/captures/{capture.id}/songs.csv").content.decode())))

    assert sorted(row["name"] for row in rows) == sorted("'" + name.replace("\r", "\n") for name in FORMULAS)
    assert sorted(row["artist"] for row in rows) == [f"'@artist {n}" for n in range(len(FORMULAS))]
    assert {row["album"] for row in rows} == {"'=album"}
    assert {row["rank"] for row in rows} == {str(n) for n in range(1, len(FORMULAS) + 1)}  # numbers stay numbers


def test_the_history_csv_keeps_numbers_as_numbers():
    capture = DoneCaptureFactory(emotion="CALM")

    row = next(csv.DictReader(io.StringIO(history_csv(captures=MoodCapture.objects.all()))))

    assert (row["id"], row["emotion"]) == (str(capture.id), "CALM")


def _change(client, track: Track, **changes):
    data = {"name": track.name, "artist": track.artist, "album": track.album, "mood": track.mood,
            "active": "on", "curator_notes": "", "video_id": track.video_id, **changes}
    return client.post(f"/admin/music/track/{track.id}/change/", data)


@pytest.mark.parametrize(("field", "value"), [
    ("name", "Clair\nde Lune"), ("name", "Clair\rde Lune"), ("artist", "Claude\u2028Debussy"),
    ("album", "Suite\x07"), ("name", "enuL ed rialC\u202e"),
])
def test_the_admin_refuses_track_text_with_line_breaks_or_control_characters(client, field, value):
    track = TrackFactory(name="Clair de Lune", artist="Claude Debussy", album="Suite", mood="calm")
    client.force_login(curator_create())

    response = _change(client, track, **{field: value})

    assert response.status_code == 200
    assert response.context["adminform"].form.errors[field] == [
        "Use one line of text: no line breaks, tabs or control characters."]
    track.refresh_from_db()
    assert (track.name, track.artist, track.album) == ("Clair de Lune", "Claude Debussy", "Suite")


@pytest.mark.parametrize("video_id", ["javascript:x", "CvFH_6DNRC", "CvFH_6DNRC!", "CvFH 6DNRCY"])
def test_the_admin_refuses_a_string_that_is_no_youtube_id(client, video_id):
    track = TrackFactory(mood="calm", video_id="")
    client.force_login(curator_create())

    response = _change(client, track, video_id=video_id)

    assert response.status_code == 200
    assert "video_id" in response.context["adminform"].form.errors
    track.refresh_from_db()
    assert track.video_id == ""


def test_the_admin_saves_a_real_youtube_id_and_a_one_line_name(client):
    track = TrackFactory(mood="calm", video_id="")
    client.force_login(curator_create())

    response = _change(client, track, name="Clair de Lune (live)", video_id="CvFH_6DNRCY")

    assert response.status_code == 302
    track.refresh_from_db()
    assert (track.name, track.video_id) == ("Clair de Lune (live)", "CvFH_6DNRCY")
