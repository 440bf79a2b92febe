"""The PostgreSQL half of bench_music.py: a 1M-track catalogue in a scratch database, dropped afterwards.

Run by bench_music.py in its own process (Django binds one database per process);
its name does not start with bench_, so bench/run.py does not run it on its own.
"""

import io

import psycopg
from bench_music import PG_ADMIN_URL, PG_DB, list_rows, listener_with_history, peers_frame
from common import django_setup

SIZE = 1_000_000
COLUMNS = ("name", "artist", "album", "release_date", "decade", "duration_ms", "valence", "energy", "danceability",
           "acousticness", "instrumentalness", "speechiness", "liveness", "loudness", "tempo", "key", "mode", "mood",
           "mood_source", "pos_valence", "pos_energy", "cell", "video_id", "video_state", "active", "curator_notes",
           "updated_at")


def catalogue_copy(frame) -> None:
    """COPY the jittered rows in, with the indexes built after the load (as a bulk load would)."""
    from django.db import connection

    from music.affect import GRID
    from music.search import sql

    frame = frame.assign(cell=(frame["valence"].clip(0, 0.999) * GRID).astype(int) * GRID
                         + (frame["energy"].clip(0, 0.999) * GRID).astype(int))
    buffer = io.StringIO()
    out = frame.assign(album="", release_date="", decade=0, mood_source="derived", pos_valence=frame["valence"],
                       pos_energy=frame["energy"], video_id="", video_state="unknown", active=True,
                       curator_notes="", updated_at="2026-01-01 00:00:00+00", name=frame["track"])
    out[list(COLUMNS)].to_csv(buffer, index=False, header=False)
    buffer.seek(0)
    with connection.cursor() as cursor:
        for statement in sql.PG_DROP:
            cursor.execute(statement)
        copy_sql = f"COPY music_track ({', '.join(COLUMNS)}) FROM STDIN WITH (FORMAT csv, NULL '\\N')"
        with cursor.cursor.copy(copy_sql) as copy:
            while chunk := buffer.read(1 << 20):
                copy.write(chunk)
        for statement in sql.PG_CREATE:
            cursor.execute(statement)
        cursor.execute("ANALYZE music_track")


def postgres_rows() -> tuple[list[list], dict]:
    with psycopg.connect(f"{PG_ADMIN_URL}/postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {PG_DB}")
        admin.execute(f"CREATE DATABASE {PG_DB}")
    try:
        django_setup(f"{PG_ADMIN_URL}/{PG_DB}")
        frame = peers_frame(copies=-(-SIZE // 41_106))[:SIZE]
        catalogue_copy(frame)
        return list_rows(f"PostgreSQL, {SIZE // 1000:,}k", listener_with_history())
    finally:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(f"{PG_ADMIN_URL}/postgres", autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {PG_DB}")
