"""Load the default catalogue: our starter songs (with Spotify ids and features where matched) and the chart hits.

The files are fixtures/starter_tracks.csv and fixtures/catalogue/ (music.services.catalogue_build
writes the latter). A load goes through the import path (music.services.imports), so moods are
derived from valence and energy and a curator's mood is kept; a re-run of unchanged files skips.
"""

import hashlib
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from music.importers import ImportRejected
from music.models import FEATURES, CatalogueLoad, Track
from music.services.catalogue_build import CATALOGUE_DIR, HITS, STARTER, STARTER_MATCHES
from music.services.imports import ImportSummary, file_rows_read, rows_deduplicate, tracks_write

NAME = "default"
# What a starter song takes from its dataset match; its own name, album, year and mood stay.
MATCH_FIELDS = ("spotify_id", "duration_ms", *FEATURES)
Rows = list[tuple[str, dict]]


@dataclass(frozen=True)
class CatalogueLoadResult:
    sha256: str
    summary: ImportSummary | None = None  # None: skipped, nothing changed since the last load

    def text(self) -> str:
        if self.summary is None:
            return f"unchanged since the last load (sha256 {self.sha256})"
        return f"{self.summary.text()} (sha256 {self.sha256})"


def files_sha256(paths: list[Path]) -> str:
    """One checksum of several files (the sha256 of their sha256s, in order); raise ImportRejected if one is missing."""
    digest = hashlib.sha256()
    for path in paths:
        try:
            digest.update(hashlib.sha256(path.read_bytes()).digest())
        except OSError as error:
            raise ImportRejected(f"{path.name}: cannot be read ({error.strerror})") from None
    return digest.hexdigest()


def starter_rows_match(*, starter: Rows, matches: Rows) -> Rows:
    """The starter rows, each given its match's Spotify id and features (matched on the starter's own spelling)."""
    by_song = {(values["name"], values["artist"]): values for _, values in matches}
    rows = []
    for where, values in starter:
        match = by_song.get((values["name"], values["artist"]), {})
        rows.append((where, {**values, **{name: match[name] for name in MATCH_FIELDS if name in match}}))
    return rows


def catalogue_rows_read(*, folder: Path, starter: Path, summary: ImportSummary) -> dict[tuple, dict]:
    """The rows to write, one per track; raise ImportRejected if a file is unreadable, before anything is written."""
    def read(path: Path, format: str) -> Rows:
        return file_rows_read(path=path, format=format, mapping={}, summary=summary)

    songs = starter_rows_match(starter=read(starter, "starter"), matches=read(folder / STARTER_MATCHES, "catalogue"))
    # A hit that is one of our starter songs is written once, under the starter's name, album and mood.
    taken = {values["spotify_id"] for _, values in songs}
    hits = [(where, values) for where, values in read(folder / HITS, "catalogue") if values["spotify_id"] not in taken]
    return rows_deduplicate(rows=songs + hits, summary=summary)


def _unchanged(sha256: str) -> bool:
    last = CatalogueLoad.objects.filter(name=NAME).first()
    return last is not None and last.sha256 == sha256 and last.tracks == Track.objects.count()


def catalogue_load(*, folder: Path = CATALOGUE_DIR, starter: Path = STARTER,
                   force: bool = False) -> CatalogueLoadResult:
    """Load the default catalogue, or skip if its files and the track count are as last loaded; raise ImportRejected."""
    sha256 = files_sha256([starter, folder / STARTER_MATCHES, folder / HITS])
    if not force and _unchanged(sha256):
        return CatalogueLoadResult(sha256=sha256)
    summary = ImportSummary()
    rows = catalogue_rows_read(folder=folder, starter=starter, summary=summary)
    with transaction.atomic():
        tracks_write(rows=rows, summary=summary)
        CatalogueLoad.objects.update_or_create(name=NAME, defaults={
            "sha256": sha256, "tracks": Track.objects.count(), "loaded_at": timezone.now()})
    return CatalogueLoadResult(sha256=sha256, summary=summary)
