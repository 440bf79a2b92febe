"""The YouTube Data API v3 through google-api-python-client: search.list to find, videos.list to re-check.

The client is built per call with static discovery (no network at build time),
an API key and an httplib2 transport with a timeout; httplib2 is not thread-safe.

Quota (https://developers.google.com/youtube/v3/determine_quota_cost as read on 2026-12-01;
the copies found show no date): a project gets 100 search.list calls a day in a bucket of their
own, apart from 10,000 units a day for the other methods; videos.list costs 1 unit (we
send up to 50 ids per call). Older copies of the same page charge search.list 100 of the
10,000 units instead, so music.services.videos counts both (see SEARCH_UNITS there).
Every call, even an invalid one, costs at least 1; all reset at midnight Pacific time.
"""

import datetime
import json
from collections.abc import Sequence

import httplib2
from django.conf import settings
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError

from music.videos import BackendUnavailable, InputRejected, QuotaExceeded, quota_reset_after

__all__ = ["YouTubeVideos", "quota_reset_after", "vendor_error"]

RATE_LIMITED = {"rateLimitExceeded", "userRateLimitExceeded"}


def _reasons(error: HttpError) -> set[str]:
    details = error.error_details if isinstance(error.error_details, list) else []
    if not details:  # the client fills error_details only when the body has a top-level message
        try:
            details = json.loads(error.content).get("error", {}).get("errors", [])
        except (ValueError, AttributeError):
            details = []
    return {detail.get("reason", "") for detail in details if isinstance(detail, dict)}


def vendor_error(error: Exception) -> Exception:
    """Map a client error onto the port's error types."""
    if not isinstance(error, HttpError):
        return BackendUnavailable(f"YouTube unreachable: {error}")
    reasons = _reasons(error)
    if "quotaExceeded" in reasons:
        return QuotaExceeded(quota_reset_after(datetime.datetime.now(datetime.UTC)))
    if error.status_code == 429 or error.status_code >= 500 or reasons & RATE_LIMITED:
        return BackendUnavailable(f"YouTube {error.status_code}: {', '.join(sorted(reasons)) or 'transient'}")
    return InputRejected(f"YouTube {error.status_code}: {', '.join(sorted(reasons)) or error.reason}")


class YouTubeVideos:
    name = "youtube"
    resolves = True

    @staticmethod
    def http_factory() -> httplib2.Http:
        return httplib2.Http(timeout=settings.YOUTUBE_TIMEOUT_SECONDS)

    def _client(self):
        return build("youtube", "v3", developerKey=settings.YOUTUBE_API_KEY, http=self.http_factory(),
                     static_discovery=True, cache_discovery=False)

    def _execute(self, request) -> dict:
        try:
            return request.execute(num_retries=0)  # Celery retries transient errors, with backoff
        except (HttpError, httplib2.HttpLib2Error, OSError) as error:
            raise vendor_error(error) from error

    def find(self, *, artist: str, name: str) -> str | None:
        request = self._client().search().list(
            part="id", q=f'{artist} "{name}"', type="video", videoEmbeddable="true", videoCategoryId="10",
            maxResults=1, fields="items/id/videoId")
        items = self._execute(request).get("items", [])
        return items[0]["id"]["videoId"] if items else None

    def check(self, video_ids: Sequence[str]) -> set[str]:
        request = self._client().videos().list(
            part="status", id=",".join(video_ids[:50]), maxResults=50,
            fields="items(id,status(embeddable,privacyStatus))")
        items = self._execute(request).get("items", [])
        return {item["id"] for item in items
                if item.get("status", {}).get("embeddable") and item["status"].get("privacyStatus") != "private"}
