"""The "278k Emotion Labeled Spotify Songs" set: features, a uri and a numeric mood label, no names.

Labels: 0 sad, 1 happy, 2 energetic, 3 calm (music.affect.mood_parse). Rows get
no grid cell until another file supplies their name.
"""

from music.importers import Schema

COLUMNS = {
    "uri": "spotify_id", "labels": "mood", "duration (ms)": "duration_ms",
    "danceability": "danceability", "energy": "energy", "loudness": "loudness", "speechiness": "speechiness",
    "acousticness": "acousticness", "instrumentalness": "instrumentalness", "liveness": "liveness",
    "valence": "valence", "tempo": "tempo",
}

SCHEMA = Schema(name="labelled278k", columns=COLUMNS, signature=frozenset({"uri", "labels", "valence", "energy"}))
