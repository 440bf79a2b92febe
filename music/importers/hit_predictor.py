"""The Spotify Hit Predictor decade files (fortyTwo102): dataset-of-60s.csv ... dataset-of-10s.csv.

They have no date column; the decade comes from the file name.
"""

import re
from pathlib import Path

from music.importers import Schema

COLUMNS = {
    "uri": "spotify_id", "track": "name", "artist": "artist", "duration_ms": "duration_ms",
    "danceability": "danceability", "energy": "energy", "key": "key", "loudness": "loudness", "mode": "mode",
    "speechiness": "speechiness", "acousticness": "acousticness", "instrumentalness": "instrumentalness",
    "liveness": "liveness", "valence": "valence", "tempo": "tempo",
}


def decade_from_name(path: Path) -> dict:
    """dataset-of-60s.csv -> 1960, dataset-of-00s.csv -> 2000 (the set covers 1960-2019)."""
    found = re.search(r"(\d0)s\b", path.name)
    if not found:
        return {}
    two = int(found.group(1))
    return {"decade": (1900 if two >= 60 else 2000) + two}


SCHEMA = Schema(name="hit_predictor", columns=COLUMNS,
                signature=frozenset({"track", "artist", "uri", "chorus_hit", "sections", "target"}),
                constants=decade_from_name)
