import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from moods.emotion import BACKENDS, InputRejected, get_detector
from moods.readings import reading_from_analysis


class Command(BaseCommand):
    help = "Read the faces and expression scores in one image file."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--backend", choices=sorted(BACKENDS), help="default: EMOTION_BACKEND")
        parser.add_argument("--group", action="store_true", help="average all faces, weighted by size")
        parser.add_argument("--json", action="store_true", dest="as_json", help="print the reading as JSON")

    def handle(self, *args, path: Path, backend: str | None, group: bool, as_json: bool, **options):
        try:
            analysis = get_detector(backend).detect(path.read_bytes())
        except (OSError, InputRejected) as error:
            raise CommandError(f"{path}: {error}") from None
        reading = reading_from_analysis(analysis=analysis, group=group)
        out = {"image": str(path), "width": analysis.width, "height": analysis.height, "emotion": reading.emotion,
               "confidence": reading.confidence, "face_count": reading.face_count, "faces": reading.faces}
        self.stdout.write(json.dumps(out, indent=2) if as_json else "\n".join(_text(out)))


def _text(out: dict) -> list[str]:
    if not out["faces"]:
        return [f"{out['image']} ({out['width']}x{out['height']}): no face found"]
    lines = [f"{out['image']} ({out['width']}x{out['height']}): {out['emotion'] or 'no usable emotion'} "
             f"{out['confidence']:.1f}% from {out['face_count']} face(s)"]
    for number, face in enumerate(out["faces"], start=1):
        box = ", ".join(f"{v:.3f}" for v in face["box"])
        scores = "  ".join(f"{k} {v:.1f}" for k, v in sorted(face["scores"].items(), key=lambda kv: -kv[1]))
        lines.append(f"  face {number} [left, top, width, height = {box}]: {scores}")
    return lines
