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
