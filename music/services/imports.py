"""Import track CSVs: validate every file whole, then upsert all rows in one transaction."""

import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from django.db import transaction
from django.utils import timezone

from music.importers import ImportRejected, schema_choose
from music.importers.frames import chunk_parse
from music.models import FEATURES, Track
from music.services.tracks import CURATOR, track_values_place

CHUNK_ROWS = 10_000
MAX_BAD_SHARE = 0.5  # a file with more broken rows than this is refused whole
LINES_SHOWN = 10  # line numbers listed per skip reason
FIELDS = ("spotify_id", "name", "artist", "album", "release_date", "year", "decade", "popularity", "duration_ms",
          *FEATURES, "mood", "mood_source", "pos_valence", "pos_energy", "cell", "video_id", "video_state")
DEFAULTS = {name: Track._meta.get_field(name).get_default() for name in FIELDS}
Progress = Callable[[str, int, int], None]  # (stage, done, total)
READ_ERRORS = (OSError, EOFError, zlib.error, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError)


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: dict[str, list[str]] = field(default_factory=dict)  # reason -> ["file:line", ...]

    def skip(self, reason: str, where: str) -> None:
        self.skipped.setdefault(reason, []).append(where)

    def as_dict(self) -> dict:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged,
                "skipped": {reason: {"count": len(where), "lines": where[:LINES_SHOWN]}
                            for reason, where in self.skipped.items()}}

    def text(self) -> str:
        skipped = sum(len(where) for where in self.skipped.values())
        lines = [f"created {self.created}, updated {self.updated}, unchanged {self.unchanged}, skipped {skipped}"]
        for reason, where in sorted(self.skipped.items(), key=lambda item: -len(item[1])):
            more = f" and {len(where) - LINES_SHOWN} more" if len(where) > LINES_SHOWN else ""
            lines.append(f"  skipped {len(where)}: {reason} (lines {', '.join(where[:LINES_SHOWN])}{more})")
        return "\n".join(lines)


def _unreadable(path: Path, error: Exception) -> ImportRejected:
    return ImportRejected(f"{path.name}: cannot be read as CSV ({error})")


def _read_csv(path: Path, **options):
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig", **options)
    except READ_ERRORS as error:
        raise _unreadable(path, error) from None


def _chunks(path: Path):
    # A file can break after its header reads fine (a truncated .gz raises EOFError here), so the
    # chunks are guarded too: the import is refused whole instead of failing with a raw exception.
    try:
        yield from _read_csv(path, chunksize=CHUNK_ROWS)
    except READ_ERRORS as error:
        raise _unreadable(path, error) from None


def file_rows_read(*, path: Path, format: str, mapping: Mapping[str, str], summary: ImportSummary,
                   progress: Progress | None = None) -> list[tuple[str, dict]]:
    """Return a file's clean rows as ("file:line", values); raise ImportRejected if unknown or mostly broken."""
    schema = schema_choose(format=format, header=list(_read_csv(path, nrows=0).columns), mapping=mapping)
    rows, bad, line = [], [], 2  # line 1 is the header
    for frame in _chunks(path):
        chunk = chunk_parse(frame, schema=schema, path=path, first_line=line)
        rows += [(f"{path.name}:{number}", values) for number, values in chunk.rows]
        bad += chunk.bad
        line += len(frame)
        if progress:
            progress(f"reading {path.name}", line - 2, 0)
    total = len(rows) + len(bad)
    if total == 0:
        raise ImportRejected(f"{path.name}: no rows under the header")
    if len(bad) > MAX_BAD_SHARE * total:
        first = "; ".join(f"line {number}: {reason}" for number, reason in bad[:3])
        raise ImportRejected(f"{path.name}: {len(bad)} of {total} rows are broken, nothing was imported ({first})")
    for number, reason in bad:
        summary.skip(reason, f"{path.name}:{number}")
    return rows


def _key(values: dict) -> tuple:
    if values.get("spotify_id"):
        return ("id", values["spotify_id"])
    return _name_key(values)


def rows_deduplicate(*, rows: list[tuple[str, dict]], summary: ImportSummary) -> dict[tuple, dict]:
    """Return the first row of each track (by Spotify id, else name and artist); later copies are skipped."""
    first: dict[tuple, tuple[str, dict]] = {}
    for where, values in rows:
        key = _key(values)
        if key in first:
            summary.skip("duplicate of an earlier row (same Spotify id, or same name and artist)", where)
        else:
            first[key] = (where, values)
    return {key: values for key, (_, values) in first.items()}


def _name_key(values: dict) -> tuple:
    return ("name", values["name"].casefold(), values["artist"].casefold())


def _name_claims(rows: dict[tuple, dict], found: dict[tuple, dict]) -> dict[tuple, tuple]:
    """Which row may take the id-less track of each (name, artist): a row without an id, else the first not found by id.

    So a starter song stored without an id gets the id of a row that has one attached, not a second row.
    """
    claims = {key: key for key in rows if key[0] == "name"}
    for key, values in rows.items():
        if key[0] == "id" and key not in found and values["name"]:
            claims.setdefault(_name_key(values), key)
    return claims


def _existing(rows: dict[tuple, dict]) -> dict[tuple, dict]:
    """The stored values of each row's track: by Spotify id, else an id-less track of the same name and artist."""
    ids = [key[1] for key in rows if key[0] == "id"]
    found = {}
    for start in range(0, len(ids), 500):
        for values in Track.objects.filter(spotify_id__in=ids[start:start + 500]).values("id", *FIELDS):
            found[("id", values["spotify_id"])] = values
    if by_name := _name_claims(rows, found):
        for values in Track.objects.filter(spotify_id__isnull=True).values("id", *FIELDS):
            if (key := by_name.pop(_name_key(values), None)) is not None:
                found[key] = values
    return found


def track_values_merge(*, current: dict, incoming: dict) -> dict:
    """Return a track's values after an import row: what the row has wins, except over a curator's mood."""
    merged = dict(current)
    for name, value in incoming.items():
        if value is None or value == "":
            continue
        if name in ("mood", "mood_source") and current.get("mood_source") == CURATOR:
            continue
        merged[name] = value
    return track_values_place(merged)


def tracks_write(*, rows: dict[tuple, dict], summary: ImportSummary, progress: Progress | None = None) -> None:
    """Create new tracks and update changed ones in bulk; count the unchanged."""
    existing = _existing(rows)
    created, updated, now = [], [], timezone.now()
    for key, incoming in rows.items():
        current = existing.get(key)
        merged = track_values_merge(current={**DEFAULTS, **(current or {})}, incoming=incoming)
        if current is None:
            created.append(Track(**{name: merged[name] for name in FIELDS}))
        elif any(merged[name] != current[name] for name in FIELDS):
            updated.append(Track(id=current["id"], updated_at=now, **{name: merged[name] for name in FIELDS}))
    for start in range(0, max(len(created), len(updated)), 2000):
        Track.objects.bulk_create(created[start:start + 2000])
        Track.objects.bulk_update(updated[start:start + 2000], [*FIELDS, "updated_at"])
        if progress:
            progress("writing", start + 2000, max(len(created), len(updated)))
    summary.created, summary.updated = len(created), len(updated)
    summary.unchanged = len(rows) - len(created) - len(updated)


def tracks_import(*, paths: Sequence[Path], format: str = "auto", mapping: Mapping[str, str] | None = None,
                  progress: Progress | None = None) -> ImportSummary:
    """Import CSV files into the catalogue and return the summary; raise ImportRejected before writing anything."""
    summary = ImportSummary()
    rows = []
    for path in paths:
        rows += file_rows_read(path=Path(path), format=format, mapping=mapping or {}, summary=summary,
                               progress=progress)
    unique = rows_deduplicate(rows=rows, summary=summary)
    with transaction.atomic():
        tracks_write(rows=unique, summary=summary, progress=progress)
    return summary
