"""The 114k "Spotify Tracks Dataset" (maharshipandya, Hugging Face): one row per track and genre."""

from music.importers import Schema

COLUMNS = {
    "track_id": "spotify_id", "track_name": "name", "artists": "artist", "album_name": "album",
    "popularity": "popularity", "duration_ms": "duration_ms",
    "danceability": "danceability", "energy": "energy", "key": "key", "loudness": "loudness", "mode": "mode",
    "speechiness": "speechiness", "acousticness": "acousticness", "instrumentalness": "instrumentalness",
    "liveness": "liveness", "valence": "valence", "tempo": "tempo",
}

# The same track appears once per genre; the import keeps the first row of each id.
SCHEMA = Schema(name="tracks114k", columns=COLUMNS,
                signature=frozenset({"track_id", "artists", "album_name", "track_name", "track_genre"}),
                artist_separator=";")
