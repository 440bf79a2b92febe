"""Any other CSV: its columns named like Track fields, or mapped with --map column=field."""

from collections.abc import Collection, Mapping

from music.importers import ImportRejected, Schema

FIELDS = frozenset({
    "spotify_id", "name", "artist", "album", "release_date", "year", "popularity", "duration_ms", "mood",
    "valence", "energy", "danceability", "acousticness", "instrumentalness", "speechiness", "liveness",
    "loudness", "tempo", "key", "mode", "video_id",
})


def schema_generic(*, header: Collection[str], mapping: Mapping[str, str]) -> Schema:
    """Return a schema for a header and a column -> field mapping; raise ImportRejected when it cannot work."""
    header = {column.strip() for column in header}
    if bad := sorted(set(mapping.values()) - FIELDS):
        raise ImportRejected(f"unknown field(s) in --map: {', '.join(bad)}; fields: {', '.join(sorted(FIELDS))}")
    if absent := sorted(set(mapping) - header):
        raise ImportRejected(f"--map names column(s) the file does not have: {', '.join(absent)}")
    columns = {column: column for column in header & FIELDS} | dict(mapping)
    fields = set(columns.values())
    if "spotify_id" not in fields and not {"name", "artist"} <= fields:
        raise ImportRejected("a generic file needs a spotify_id column, or both name and artist (use --map)")
    return Schema(name="generic", columns=columns, signature=frozenset(columns))
