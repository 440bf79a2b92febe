"""The video port: find a YouTube video for a track, and the links the carousel shows.

VIDEO_BACKEND chooses `youtube` (the Data API, from Celery tasks only) or
`offline` (no lookups: songs link to a YouTube search unless a curator entered
an id). Links are plain functions: they never call anything.
"""

import datetime
import functools
from collections.abc import Iterable, Sequence
from typing import Protocol
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.module_loading import import_string

# YouTube's daily quotas reset at midnight Pacific time:
# https://developers.google.com/youtube/v3/determine_quota_cost
PACIFIC = ZoneInfo("America/Los_Angeles")


def quota_day(now: datetime.datetime) -> datetime.date:
    """The quota day `now` falls in: the date in Pacific time."""
    return now.astimezone(PACIFIC).date()


def quota_reset_after(now: datetime.datetime) -> datetime.datetime:
    """The next midnight in Pacific time after `now`."""
    return datetime.datetime.combine(quota_day(now) + datetime.timedelta(days=1), datetime.time(), tzinfo=PACIFIC)


class InputRejected(Exception):
    """Permanent: the request is wrong (bad key, bad parameter); retrying will not help."""


class BackendUnavailable(Exception):
    """Transient: rate-limited or down; try again later."""


class QuotaExceeded(Exception):
    """The daily quota is spent: make no call before `until` (midnight Pacific)."""

    def __init__(self, until: datetime.datetime):
        super().__init__(f"quota exceeded until {until.isoformat()}")
        self.until = until


class VideoBackend(Protocol):
    name: str
    resolves: bool  # False: this backend looks nothing up

    def find(self, *, artist: str, name: str) -> str | None:
        """Return the id of an embeddable music video for a song, or None."""

    def check(self, video_ids: Sequence[str]) -> set[str]:
        """Return those of up to 50 ids that still exist and may be embedded."""


BACKENDS = {
    "offline": "music.videos.offline.OfflineVideos",
    "youtube": "music.videos.youtube.YouTubeVideos",
}


@functools.cache
def _backend(name: str) -> VideoBackend:
    return import_string(BACKENDS[name])()


def get_videos(name: str | None = None) -> VideoBackend:
    """Return the process-wide video backend for a name (default: VIDEO_BACKEND)."""
    return _backend(name or settings.VIDEO_BACKEND)


def search_url(*, artist: str, name: str) -> str:
    return "https://www.youtube.com/results?" + urlencode({"search_query": f"{artist} {name}".strip()})


def watch_url(video_id: str) -> str:
    return f"https://www.youtube.com/watch?v={video_id}"


def embed_url(video_id: str) -> str:
    # Privacy-enhanced host; enablejsapi lets carousel.js hear embed errors (101/150) without YouTube's script.
    return f"https://www.youtube-nocookie.com/embed/{video_id}?rel=0&playsinline=1&enablejsapi=1"


def playlist_url(video_ids: Iterable[str]) -> str | None:
    """An anonymous YouTube playlist of known videos (undocumented endpoint, at most 50 ids), or None."""
    ids = [video_id for video_id in video_ids if video_id][:50]
    return f"https://www.youtube.com/watch_videos?video_ids={','.join(ids)}" if ids else None
