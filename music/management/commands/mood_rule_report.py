"""python manage.py mood_rule_report PATH/data_moods.csv: how often the valence/energy rule agrees with the labels."""

from pathlib import Path

import pandas as pd
from django.core.management.base import BaseCommand

from music.services.mood_rule import mood_rule_agreement


class Command(BaseCommand):
    help = "Refit the mood centres on the even rows of data_moods.csv and score the rule on the odd rows."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)

    def handle(self, *args, path, **options):
        report = mood_rule_agreement(frame=pd.read_csv(path))
        self.stdout.write(f"held-out rows: {report.rows}; agreement: {report.agreement:.1%} "
                          f"(majority-class baseline {report.baseline:.1%})")
        self.stdout.write("centres fitted on the other rows (valence, energy): " + ", ".join(
            f"{mood} ({v:.2f}, {e:.2f})" for mood, (v, e) in report.fitted.items()))
        self.stdout.write("confusion (label -> derived):")
        for label, row in report.confusion.items():
            self.stdout.write(f"  {label:<10} " + "  ".join(f"{mood} {count}" for mood, count in row.items()))
