"""Search through Amazon Kendra (Query), and the index's document vocabulary for kendra_sync.

Kendra is closed to new customers; accounts that have an index can point
SEARCH_BACKEND=kendra at it. Documents are tracks with Id "track-<pk>".
"""

from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings

from cloudscendo import aws
from music.search import BackendUnavailable, InputRejected, SearchHit, SearchQuery

DOCUMENT_PREFIX = "track-"
# Buckets Kendra gives instead of a score (Query response, ScoreAttributes.ScoreConfidence).
CONFIDENCE = {"VERY_HIGH": 4.0, "HIGH": 3.0, "MEDIUM": 2.0, "LOW": 1.0, "NOT_AVAILABLE": 0.0}
TRANSIENT = {"ThrottlingException", "InternalServerException", "ServiceQuotaExceededException"}
MAX_PAGE = 100  # Kendra never returns more than 100 results per query
ATTRIBUTES = [  # declared once on the index by kendra_sync (UpdateIndex)
    {"Name": "mood", "Type": "STRING_VALUE",
     "Search": {"Facetable": True, "Searchable": True, "Displayable": True, "Sortable": False}},
    {"Name": "artist", "Type": "STRING_VALUE", "Search": {"Searchable": True, "Displayable": True}},
    {"Name": "album", "Type": "STRING_VALUE", "Search": {"Searchable": True, "Displayable": True}},
    {"Name": "year", "Type": "LONG_VALUE", "Search": {"Sortable": True, "Displayable": True}},
]


def vendor_error(error: Exception) -> Exception:
    """Map a boto3 error onto the port's two error types."""
    if isinstance(error, ClientError):
        code = error.response.get("Error", {}).get("Code", "")
        if code in TRANSIENT or error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) >= 500:
            return BackendUnavailable(f"Kendra: {code}")
        return InputRejected(f"Kendra: {code}: {error.response.get('Error', {}).get('Message', '')}")
    return BackendUnavailable(f"Kendra unreachable: {error}")


def attribute_filter(moods: tuple[str, ...]) -> dict | None:
    """Kendra takes exactly one top-level filter: a single EqualsTo, or an OrAllFilters of them."""
    leaves = [{"EqualsTo": {"Key": "mood", "Value": {"StringValue": mood}}} for mood in moods]
    if len(leaves) <= 1:
        return leaves[0] if leaves else None
    return {"OrAllFilters": leaves}


def track_id_parse(document_id: str) -> int | None:
    number = document_id.removeprefix(DOCUMENT_PREFIX)
    return int(number) if document_id.startswith(DOCUMENT_PREFIX) and number.isdigit() else None


class KendraSearch:
    name = "kendra"

    def search(self, query: SearchQuery) -> list[SearchHit]:
        params = {"IndexId": settings.KENDRA_INDEX_ID, "QueryText": query.text, "PageSize": min(query.limit, MAX_PAGE),
                  "QueryResultTypeFilter": "DOCUMENT"}
        if (where := attribute_filter(query.moods)) is not None:
            params["AttributeFilter"] = where
        try:
            response = aws.client("kendra").query(**params)
        except (ClientError, BotoCoreError) as error:
            raise vendor_error(error) from error
        hits = []
        for item in response.get("ResultItems", []):
            track_id = track_id_parse(item.get("DocumentId", ""))
            confidence = item.get("ScoreAttributes", {}).get("ScoreConfidence", "NOT_AVAILABLE")
            if track_id is not None:
                hits.append(SearchHit(track_id=track_id, score=CONFIDENCE.get(confidence, 0.0)))
        return hits
