"""The search port: find tracks from a listener's words, with a local and a Kendra implementation.

SEARCH_BACKEND chooses; only services call get_search(). Adapters map vendor
errors onto InputRejected and BackendUnavailable and set a timeout on every call.
"""

import functools
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string


class InputRejected(Exception):
    """Permanent: this query cannot be run (e.g. rejected by the service's validation)."""


class BackendUnavailable(Exception):
    """Transient: the search service could not answer now (throttled, down, misconfigured for now)."""


@dataclass(frozen=True)
class SearchQuery:
    text: str
    moods: tuple[str, ...] = ()  # any of these
    valence: tuple[float, float] | None = None  # inclusive range on the track's own features
    energy: tuple[float, float] | None = None
    limit: int = 20
    all_words: bool = False  # every word must match (the admin's search box); else any word may
    playable_only: bool = True  # active tracks with a name; the admin searches them all


@dataclass(frozen=True)
class SearchHit:
    track_id: int
    score: float  # higher is better; only comparable within one answer


class SearchBackend(Protocol):
    name: str

    def search(self, query: SearchQuery) -> list[SearchHit]:
        """Return the best tracks for a query, best first."""


BACKENDS = {
    "local": "music.search.local.LocalSearch",
    "kendra": "music.search.kendra.KendraSearch",
}


@functools.cache
def _backend(name: str) -> SearchBackend:
    return import_string(BACKENDS[name])()


def get_search(name: str | None = None) -> SearchBackend:
    """Return the process-wide search backend for a name (default: SEARCH_BACKEND)."""
    return _backend(name or settings.SEARCH_BACKEND)
