"""A user's history as CSV or JSON: one row per capture, every score."""

import csv
import io
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet

from cloudscendo.spreadsheet import cell_safe
from moods.models import Emotion, MoodCapture

COLUMNS = ("id", "created_at", "source", "status", "emotion", "confidence", "strategy")


def _rows(captures: QuerySet[MoodCapture]):
    for row in captures.values(*COLUMNS, "scores").iterator(chunk_size=2000):
        scores = row.pop("scores") or {}
        yield {**row, **{name: scores.get(name, 0.0) for name in Emotion.values}}


def history_csv(*, captures: QuerySet[MoodCapture]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=[*COLUMNS, *Emotion.values], lineterminator="\n")
    writer.writeheader()
    for row in _rows(captures):
        # Choice values and numbers today; neutralised anyway, so a future free-text column cannot run.
        row["created_at"] = row["created_at"].isoformat()
        writer.writerow({name: cell_safe(value) for name, value in row.items()})
    return buffer.getvalue()


def history_json(*, captures: QuerySet[MoodCapture]) -> str:
    return json.dumps({"captures": list(_rows(captures))}, cls=DjangoJSONEncoder, indent=1)
