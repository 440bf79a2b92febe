import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from moods.emotion import BACKENDS, get_detector
from moods.evaluation import evaluation_run


class Command(BaseCommand):
    help = "Score an emotion backend on a folder-per-label face set (angry disgust fear happy neutral sad surprise)."

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path)
        parser.add_argument("--backend", choices=sorted(BACKENDS), help="default: EMOTION_BACKEND")
        parser.add_argument("--json", action="store_true", dest="as_json", help="print the full result as JSON")

    def handle(self, *args, folder: Path, backend: str | None, as_json: bool, **options):
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
    lines += ["", "Confusion (rows: true label, columns: prediction):",
              " " * 11 + " ".join(f"{c[:5]:>5}" for c in columns)]
    lines += [f"  {gold:<9}" + " ".join(f"{row[c]:>5}" for c in columns) for gold, row in summary["confusion"].items()]
    return lines
