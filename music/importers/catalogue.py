"""fixtures/catalogue/*.csv.gz: our files derived from the Hit Predictor set (music.services.catalogue_build).

The decade is a column here, from the name of the decade file the row came from.
"""

from music.importers import Schema

FEATURE_COLUMNS = ("danceability", "energy", "key", "loudness", "mode", "speechiness", "acousticness",
                   "instrumentalness", "liveness", "valence", "tempo")
COLUMNS = ("spotify_id", "name", "artist", "decade", "duration_ms", *FEATURE_COLUMNS)

SCHEMA = Schema(name="catalogue", columns={column: column for column in COLUMNS}, signature=frozenset(COLUMNS),
                exact=True)
