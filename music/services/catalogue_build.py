"""Derive fixtures/catalogue/ from the Spotify Hit Predictor files: the chart hits, and our starter songs' matches.

Values are copied as the source's text (pandas reads every column as a string),
so the derived file holds the dataset's facts unchanged, and the gzip header
carries no time or file name, so a rebuild is byte-identical.
"""

import gzip
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from django.conf import settings

from music.importers.catalogue import COLUMNS
from music.importers.hit_predictor import decade_from_name

SOURCE = settings.BASE_DIR.parent / "shared" / "data" / "spotify" / "hit_predictor"
CATALOGUE_DIR = settings.BASE_DIR / "fixtures" / "catalogue"
STARTER = settings.BASE_DIR / "fixtures" / "starter_tracks.csv"
HITS = "hits.csv.gz"
STARTER_MATCHES = "starter_matches.csv.gz"
# Oldest decade first: a track that charted in several decades keeps its first one.
DECADE_FILES = tuple(f"dataset-of-{two}s.csv" for two in ("60", "70", "80", "90", "00", "10"))


@dataclass(frozen=True)
class BuildSummary:
    source_rows: int
    hit_rows: int
    hits: int  # unique Spotify ids among the hit rows
    starter_songs: int
    starter_matches: int

    def text(self) -> str:
        return (f"{self.hits:,} hits ({self.hit_rows:,} hit rows of {self.source_rows:,}) -> {HITS}; "
                f"{self.starter_matches} of {self.starter_songs} starter songs matched -> {STARTER_MATCHES}")


def name_normalise(text: str) -> str:
    """"Don't Stop Me Now" -> "don t stop me now": casefolded, every run of non-alphanumerics one space."""
    return re.sub(r"[\W_]+", " ", text.casefold()).strip()


def _song_keys(frame: pd.DataFrame, name: str, artist: str) -> pd.Series:
    return frame[name].map(name_normalise) + "\n" + frame[artist].map(name_normalise)


def source_read(source: Path) -> pd.DataFrame:
    """Return the six decade files as one frame of text, oldest decade first, with decade and spotify_id added."""
    frames = []
    for file_name in DECADE_FILES:
        frame = pd.read_csv(source / file_name, dtype=str, keep_default_na=False)
        frames.append(frame.assign(decade=str(decade_from_name(Path(file_name))["decade"])))
    rows = pd.concat(frames, ignore_index=True)
    rows["spotify_id"] = rows["uri"].str.removeprefix("spotify:track:")
    return rows.rename(columns={"track": "name"})


def starter_matches(rows: pd.DataFrame, starter: pd.DataFrame) -> pd.DataFrame:
    """Each starter song's dataset row by normalised (name, artist), a hit row first, under the starter's spelling."""
    keyed = rows.assign(song=_song_keys(rows, "name", "artist"))
    # A stable sort puts hit rows first and keeps decade order within each target.
    keyed = keyed.sort_values("target", ascending=False, kind="stable").drop_duplicates("song")
    songs = starter[["name", "artist"]].assign(song=_song_keys(starter, "name", "artist"))
    matched = songs.merge(keyed.drop(columns=["name", "artist"]), on="song", how="inner", validate="one_to_one")
    return matched[list(COLUMNS)]


def _gzip_write(frame: pd.DataFrame, path: Path) -> None:
    text = frame.to_csv(index=False, lineterminator="\n")
    path.write_bytes(gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0))


def catalogue_build(*, source: Path = SOURCE, target: Path = CATALOGUE_DIR, starter: Path = STARTER) -> BuildSummary:
    """Write HITS and STARTER_MATCHES into target and return the counts; raise OSError if a source file is missing."""
    rows = source_read(source)
    hit_rows = rows[rows["target"] == "1"]
    hits = hit_rows.drop_duplicates("spotify_id")[list(COLUMNS)]
    songs = pd.read_csv(starter, dtype=str, keep_default_na=False)
    matches = starter_matches(rows, songs)
    target.mkdir(parents=True, exist_ok=True)
    _gzip_write(hits, target / HITS)
    _gzip_write(matches, target / STARTER_MATCHES)
    return BuildSummary(source_rows=len(rows), hit_rows=len(hit_rows), hits=len(hits), starter_songs=len(songs),
                        starter_matches=len(matches))
