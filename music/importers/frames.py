"""Turn a chunk of a CSV (read by pandas as text) into clean Track field values, or a reason per bad row."""

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from music.affect import mood_parse
from music.importers import Schema

# Valid ranges of Spotify's audio features (https://developer.spotify.com/documentation/web-api/reference/get-audio-features).
RANGES = {
    "valence": (0, 1), "energy": (0, 1), "danceability": (0, 1), "acousticness": (0, 1),
    "instrumentalness": (0, 1), "speechiness": (0, 1), "liveness": (0, 1), "loudness": (-80, 10),
    "tempo": (0, 300), "key": (-1, 11), "mode": (0, 1), "popularity": (0, 100),
    "duration_ms": (1, 36_000_000), "year": (1000, 2100), "decade": (1000, 2100),
}
INTEGERS = frozenset({"key", "mode", "popularity", "duration_ms", "year", "decade"})
TEXT_LIMITS = {"name": 300, "artist": 500, "album": 300}
SPOTIFY_ID = re.compile(r"[0-9A-Za-z]{22}")
VIDEO_ID = re.compile(r"[0-9A-Za-z_-]{11}")
DATES = (
    (re.compile(r"(\d{4})$"), "{0}"),
    (re.compile(r"(\d{4})-(\d{2})$"), "{0}-{1}"),
    (re.compile(r"(\d{4})-(\d{2})-(\d{2})$"), "{0}-{1}-{2}"),
    (re.compile(r"(\d{2})[-/](\d{2})[-/](\d{4})$"), "{2}-{1}-{0}"),  # DD-MM-YYYY copies of data_moods.csv
)


@dataclass(frozen=True)
class Chunk:
    rows: list[tuple[int, dict]]  # (line number, Track field values)
    bad: list[tuple[int, str]]  # (line number, reason)


def release_parse(text: str) -> tuple[str, int | None]:
    """Return ("YYYY[-MM[-DD]]", year) keeping the source's precision; raise ValueError if unreadable."""
    if not text:
        return "", None
    for pattern, layout in DATES:
        if found := pattern.match(text):
            iso = layout.format(*found.groups())
            return iso, int(iso[:4])
    raise ValueError("release date is not YYYY, YYYY-MM or YYYY-MM-DD")


def spotify_id_parse(text: str) -> str | None:
    """Return the 22-character id of "spotify:track:<id>" or "<id>"; raise ValueError if malformed."""
    text = text.removeprefix("spotify:track:")
    if not text:
        return None
    if not SPOTIFY_ID.fullmatch(text):
        raise ValueError("Spotify id is not 22 letters and digits")
    return text


def _numbers(frame: pd.DataFrame, bad: dict[int, str]) -> dict[str, list]:
    numbers = {}
    for name in RANGES.keys() & set(frame.columns):
        low, high = RANGES[name]
        raw = frame[name].str.strip()
        values = pd.to_numeric(raw, errors="coerce")
        broken = (raw != "") & (values.isna() | ~values.between(low, high))
        for position in broken.to_numpy().nonzero()[0]:
            bad.setdefault(int(position), f"{name} is not a number in {low}..{high}")
        values = values.where(~broken)
        numbers[name] = [None if pd.isna(v) else (int(v) if name in INTEGERS else float(v)) for v in values]
    return numbers


def _texts(row: dict, schema: Schema) -> dict:
    values = {}
    for name, limit in TEXT_LIMITS.items():
        text = " ".join(str(row.get(name, "")).split())
        if name == "artist" and schema.artist_separator:
            text = ", ".join(part.strip() for part in text.split(schema.artist_separator) if part.strip())
        if len(text) > limit:
            raise ValueError(f"{name} is longer than {limit} characters")
        values[name] = text
    return values


def _row(row: dict, schema: Schema) -> dict:
    values = _texts(row, schema)
    values["spotify_id"] = spotify_id_parse(str(row.get("spotify_id", "")).strip())
    if not values["spotify_id"] and not (values["name"] and values["artist"]):
        raise ValueError("no Spotify id, and no name and artist")
    if "release_date" in row:
        values["release_date"], values["year"] = release_parse(row["release_date"].strip())
    mood_text = str(row.get("mood", "")).strip()
    if mood_text:
        if not (mood := mood_parse(mood_text)):
            raise ValueError("mood is not Happy, Sad, Energetic or Calm")
        values["mood"], values["mood_source"] = mood, "dataset"
    if video := str(row.get("video_id", "")).strip():
        if not VIDEO_ID.fullmatch(video):
            raise ValueError("video id is not 11 letters, digits, - or _")
        values["video_id"], values["video_state"] = video, "curator"
    return values


def chunk_parse(frame: pd.DataFrame, *, schema: Schema, path: Path, first_line: int) -> Chunk:
    """Return the clean rows and the bad rows of one chunk; first_line is the file line of its first row."""
    frame = frame.rename(columns=str.strip)[list(schema.columns)].rename(columns=schema.columns)
    bad: dict[int, str] = {}
    numbers = _numbers(frame, bad)
    constants = schema.constants(path)
    rows = []
    for position, row in enumerate(frame.to_dict("records")):
        if position in bad:
            continue
        try:
            values = _row(row, schema)
        except ValueError as error:
            bad[position] = str(error)
            continue
        values.update({name: column[position] for name, column in numbers.items()
                       if column[position] is not None or name not in values})
        values.update({name: value for name, value in constants.items() if values.get(name) is None})
        if values.get("key") == -1:
            values["key"] = None  # Spotify's "no key detected"
        rows.append((first_line + position, values))
    return Chunk(rows=rows, bad=[(first_line + position, reason) for position, reason in sorted(bad.items())])
