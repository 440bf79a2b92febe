import dataclasses
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from moods.emotion import BACKENDS, get_detector
from moods.evaluation import evaluation_run
from moods.selectors import CorrectionsConfusion, corrections_confusion


class Command(BaseCommand):
    help = ("Score an emotion backend on a folder-per-label face set (angry disgust fear happy neutral sad surprise), "
            "or, with --corrections, compare each model's readings with the corrections of listeners who opted in.")

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path, nargs="?")
        parser.add_argument("--backend", choices=sorted(BACKENDS), help="default: EMOTION_BACKEND")
        parser.add_argument("--corrections", action="store_true",
                            help="the confusion between stored readings and listeners' corrections, per model")
        parser.add_argument("--json", action="store_true", dest="as_json", help="print the full result as JSON")

    def handle(self, *args, folder: Path | None, backend: str | None, corrections: bool, as_json: bool, **options):
        if corrections == (folder is not None):
            raise CommandError("Give either a folder of labelled faces or --corrections.")
        if corrections:
            confusions = corrections_confusion()
            self.stdout.write(json.dumps([_as_dict(c) for c in confusions], indent=2) if as_json
                              else "\n".join(_corrections_text(confusions)))
            return
        try:
            summary = evaluation_run(detector=get_detector(backend), root=folder).summary()
        except ValueError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(json.dumps(summary, indent=2) if as_json else "\n".join(_text(summary)))


def _text(summary: dict) -> list[str]:
    lines = [f"{summary['root']}: {summary['images']} images, accuracy {summary['accuracy']:.1%}, "
             f"no face {summary['no_face']}, {summary['ms_per_image_p50']:.1f} ms per image (p50), "
             f"{summary['ms_per_image_p95']:.1f} ms (p95)",
             f"Model: {summary['model']}; happy recall {summary['happy_recall']:.1%}", "", "Recall per class:"]
    lines += [f"  {label:<10} {value:.1%}" for label, value in summary["recall"].items()]
    columns = list(next(iter(summary["confusion"].values())))  # the emotions, then NO_FACE
    lines += ["", "Confusion (rows: true label, columns: prediction):", *_matrix(summary["confusion"], columns)]
    return lines


def _matrix(rows: dict[str, dict[str, int]], columns: list[str]) -> list[str]:
    return [" " * 11 + " ".join(f"{c[:5]:>5}" for c in columns),
            *(f"  {name:<9}" + " ".join(f"{row[c]:>5}" for c in columns) for name, row in rows.items())]


def _as_dict(confusion: CorrectionsConfusion) -> dict:
    return {**dataclasses.asdict(confusion), "agreement": round(confusion.agreement, 4)}


def _corrections_text(confusions: list[CorrectionsConfusion]) -> list[str]:
    if not confusions:
        return ["No corrections yet from listeners who let theirs be counted."]
    lines = []
    for confusion in confusions:
        lines += [f"Model: {confusion.model}: {confusion.total} corrections, agreement {confusion.agreement:.1%} "
                  f"({confusion.agreed} kept the model's emotion)",
                  "Confusion (rows: the model's reading, columns: the listener's correction):",
                  *_matrix(confusion.counts, list(confusion.emotions)), ""]
    return lines[:-1]
