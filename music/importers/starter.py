"""fixtures/starter_tracks.csv: the starter catalogue our team wrote (name, artist, album, year, mood)."""

from music.importers import Schema

COLUMNS = {"name": "name", "artist": "artist", "album": "album", "year": "year", "mood": "mood"}

SCHEMA = Schema(name="starter", columns=COLUMNS, signature=frozenset(COLUMNS), exact=True)
