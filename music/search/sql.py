"""The SQL that defines the local full-text index, shared by its migration and its queries.

Changing a text here needs a new migration that recreates the index (0002 uses these).
"""

from music.affect import MOOD_WORDS

MOOD_WORDS_SQL = "CASE {mood} " + " ".join(
    f"WHEN '{mood}' THEN '{words}'" for mood, words in sorted(MOOD_WORDS.items())) + " ELSE '' END"

# SQLite: an FTS5 table holding a copy of the searchable text, kept in sync by triggers.
SQLITE_CREATE = [
    "CREATE VIRTUAL TABLE music_track_fts USING fts5(name, artist, album, mood_words, "
    "tokenize = 'porter unicode61 remove_diacritics 2')",
    "INSERT INTO music_track_fts(rowid, name, artist, album, mood_words) "  # noqa: S608 (our constants, no input)
    f"SELECT id, name, artist, album, {MOOD_WORDS_SQL.format(mood='mood')} FROM music_track",
    "CREATE TRIGGER music_track_fts_insert AFTER INSERT ON music_track BEGIN "  # noqa: S608 (our constants, no input)
    "INSERT INTO music_track_fts(rowid, name, artist, album, mood_words) "
    f"VALUES (new.id, new.name, new.artist, new.album, {MOOD_WORDS_SQL.format(mood='new.mood')}); END",
    "CREATE TRIGGER music_track_fts_delete AFTER DELETE ON music_track BEGIN "
    "DELETE FROM music_track_fts WHERE rowid = old.id; END",
    "CREATE TRIGGER music_track_fts_update AFTER UPDATE OF name, artist, album, mood ON music_track BEGIN "  # noqa: S608 (our constants, no input)
    "DELETE FROM music_track_fts WHERE rowid = old.id; "
    "INSERT INTO music_track_fts(rowid, name, artist, album, mood_words) "
    f"VALUES (new.id, new.name, new.artist, new.album, {MOOD_WORDS_SQL.format(mood='new.mood')}); END",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS music_track_fts_update", "DROP TRIGGER IF EXISTS music_track_fts_delete",
    "DROP TRIGGER IF EXISTS music_track_fts_insert", "DROP TABLE IF EXISTS music_track_fts",
]

# PostgreSQL: a GIN index on a tsvector expression (queries must repeat it exactly),
# and a GiST index for ORDER BY point <-> point nearest-neighbour scans.
PG_DOCUMENT = ("to_tsvector('english'::regconfig, name || ' ' || artist || ' ' || album || ' ' || "
               f"{MOOD_WORDS_SQL.format(mood='mood')})")
PG_CREATE = [
    f"CREATE INDEX music_track_search ON music_track USING gin ({PG_DOCUMENT})",
    "CREATE INDEX music_track_point ON music_track USING gist (point(pos_valence, pos_energy)) "
    "WHERE active AND cell IS NOT NULL",
]
PG_DROP = ["DROP INDEX IF EXISTS music_track_search", "DROP INDEX IF EXISTS music_track_point"]
