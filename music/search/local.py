"""Search the catalogue in the database: SQLite FTS5, or PostgreSQL full-text search.

Any word may match (OR), ranked by relevance (bm25 / ts_rank), so a listener's
description ("rainy sunday acoustic") finds songs matching some of its words.
"""

import re

from django.db import connection

from music.search import SearchHit, SearchQuery
from music.search.sql import PG_DOCUMENT

MAX_TERMS = 12


def query_terms(text: str) -> list[str]:
    """Lower-case words of a query, without punctuation, at most MAX_TERMS."""
    return re.findall(r"\w+", text.casefold())[:MAX_TERMS]


def _filters(query: SearchQuery, table: str) -> tuple[str, list]:
    sql, params = ([f"{table}.active", f"{table}.cell IS NOT NULL"] if query.playable_only else ["1 = 1"]), []
    if query.moods:
        sql.append(f"{table}.mood IN ({', '.join(['%s'] * len(query.moods))})")
        params += list(query.moods)
    for name in ("valence", "energy"):
        if (bounds := getattr(query, name)) is not None:
            sql.append(f"{table}.{name} BETWEEN %s AND %s")
            params += list(bounds)
    return " AND ".join(sql), params


class LocalSearch:
    name = "local"

    def search(self, query: SearchQuery) -> list[SearchHit]:
        terms = query_terms(query.text)
        where, params = _filters(query, "t")
        if not terms:
            sql = (f"SELECT t.id, COALESCE(t.popularity, 0) FROM music_track t WHERE {where} "  # noqa: S608
                   "ORDER BY t.popularity DESC NULLS LAST, t.id LIMIT %s")
        elif connection.vendor == "postgresql":
            sql = (f"SELECT t.id, ts_rank({PG_DOCUMENT}, q) FROM music_track t, "  # noqa: S608
                   f"to_tsquery('english', %s) q WHERE {PG_DOCUMENT} @@ q AND {where} "
                   "ORDER BY 2 DESC, t.popularity DESC NULLS LAST, t.id LIMIT %s")
            params = [(" & " if query.all_words else " | ").join(terms), *params]
        else:
            sql = ("SELECT t.id, -bm25(music_track_fts) FROM music_track_fts JOIN music_track t "  # noqa: S608
                   f"ON t.id = music_track_fts.rowid WHERE music_track_fts MATCH %s AND {where} "
                   "ORDER BY 2 DESC, t.popularity DESC NULLS LAST, t.id LIMIT %s")
            params = [(" AND " if query.all_words else " OR ").join(f'"{term}"' for term in terms), *params]
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, query.limit])
            return [SearchHit(track_id=row[0], score=float(row[1])) for row in cursor.fetchall()]
