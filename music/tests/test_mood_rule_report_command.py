"""manage.py mood_rule_report: the valence/energy rule against data_moods.csv's labels, on held-out rows."""

from io import StringIO

from django.core.management import call_command

from music.affect import mood_derive


def test_the_report_scores_the_rule_on_the_held_out_rows(shared_data):
    out = StringIO()

    call_command("mood_rule_report", str(shared_data / "spotify" / "data_moods.csv"), stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[0] == "held-out rows: 343; agreement: 65.0% (majority-class baseline 30.0%)"
    assert lines[1] == ("centres fitted on the other rows (valence, energy): calm (0.15, 0.16), "
                        "energetic (0.42, 0.87), happy (0.54, 0.74), sad (0.29, 0.38)")
    assert lines[3] == "  calm       calm 77  energetic 0  happy 0  sad 15"


def test_the_rule_picks_the_nearest_mood_centre():
    assert [mood_derive(valence=v, energy=e) for v, e in [(0.1, 0.1), (0.3, 0.4), (0.4, 0.95), (0.6, 0.7)]] == [
        "calm", "sad", "energetic", "happy"]
