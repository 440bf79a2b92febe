"""data_moods.csv (cristobalvch/Spotify-Machine-Learning): 686 songs labelled Happy, Sad, Energetic or Calm."""

from music.importers import Schema

COLUMNS = {
    "id": "spotify_id", "name": "name", "artist": "artist", "album": "album", "release_date": "release_date",
    "popularity": "popularity", "length": "duration_ms", "mood": "mood",
    "danceability": "danceability", "acousticness": "acousticness", "energy": "energy",
    "instrumentalness": "instrumentalness", "liveness": "liveness", "valence": "valence", "loudness": "loudness",
    "speechiness": "speechiness", "tempo": "tempo", "key": "key",
}

SCHEMA = Schema(name="moods", columns=COLUMNS, signature=frozenset({"id", "name", "artist", "length", "mood"}))
