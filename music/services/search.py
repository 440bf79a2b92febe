"""Catalogue search for the search page."""

from music.models import Track
from music.search import SearchQuery, get_search

PAGE = 30


def tracks_find(*, text: str, mood: str = "") -> list[Track]:
    """Return active tracks matching a listener's words (and a mood), best first, from the local index.

    Always local: a web request never waits on a cloud service. Kendra serves the
    search-built playlists, which are made in a task.
    """
    hits = get_search("local").search(SearchQuery(text=text, moods=(mood,) if mood else (), limit=PAGE))
    tracks = Track.objects.in_bulk([hit.track_id for hit in hits])
    return [tracks[hit.track_id] for hit in hits if hit.track_id in tracks]


def track_ids_matching(*, text: str, limit: int = 2000) -> list[int]:
    """Ids of all tracks (active or not) whose name, artist, album or mood words contain every word."""
    query = SearchQuery(text=text, limit=limit, all_words=True, playable_only=False)
    return [hit.track_id for hit in get_search("local").search(query)]
