"""python manage.py import_tracks PATH... [--format auto|...] [--map column=field ...]"""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from music.importers import FORMATS, ImportRejected, UnknownSchema
from music.services.imports import tracks_import


def mapping_parse(pairs: list[str]) -> dict[str, str]:
    """["title=name", ...] -> {"title": "name"}; raise CommandError on a pair without "="."""
    mapping = {}
    for pair in pairs:
        column, sep, field = pair.partition("=")
        if not sep or not column.strip() or not field.strip():
            raise CommandError(f"--map expects column=field, got {pair!r}")
        mapping[column.strip()] = field.strip()
    return mapping


class TqdmProgress:
    """One tqdm bar per stage, on stderr."""

    def __init__(self):
        self.bar, self.stage = None, None

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage != self.stage:
            self.close()
            self.stage, self.bar = stage, tqdm(desc=stage, total=total or None, unit="rows", file=sys.stderr,
                                               leave=False)
        self.bar.update(min(done, total or done) - self.bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


class Command(BaseCommand):
    help = "Import Spotify track CSVs (known Kaggle schemas, our starter file, or any CSV with --map)."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path)
        parser.add_argument("--format", choices=FORMATS, default="auto")
        parser.add_argument("--map", action="append", default=[], metavar="COLUMN=FIELD",
                            help="with --format generic: which column holds which track field")

    def handle(self, *args, paths, format, map, **options):
        progress = TqdmProgress()
        try:
            summary = tracks_import(paths=paths, format=format, mapping=mapping_parse(map), progress=progress)
        except UnknownSchema as error:
            raise CommandError(f"{error} Use --format generic with --map column=field for other files.") from None
        except ImportRejected as error:
            raise CommandError(f"{error}") from None
        finally:
            progress.close()
        self.stdout.write(summary.text())
