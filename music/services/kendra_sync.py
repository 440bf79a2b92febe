"""Keep a Kendra index in step with the catalogue: declare the fields, push active tracks, delete inactive ones."""

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from cloudscendo import aws
from music.affect import MOOD_WORDS
from music.models import Track
from music.search import BackendUnavailable
from music.search.kendra import ATTRIBUTES, DOCUMENT_PREFIX, track_id_parse, vendor_error

BATCH = 10  # BatchPutDocument and BatchDeleteDocument take at most 10 documents
RETRY_DELAYS = (1, 2, 4, 8)  # seconds between attempts after a throttle or failed documents


@dataclass
class SyncSummary:
    pushed: int = 0
    deleted: int = 0
    failed: int = 0


def _call(method: str, sleep: Callable[[float], None], **params) -> dict:
    for delay in (*RETRY_DELAYS, None):
        try:
            return getattr(aws.client("kendra"), method)(**params)
        except (ClientError, BotoCoreError) as error:
            mapped = vendor_error(error)
            if delay is None or not isinstance(mapped, BackendUnavailable):
                raise mapped from error
            sleep(delay)
    raise AssertionError("unreachable")


def kendra_attributes_declare(*, sleep: Callable[[float], None] | None = None) -> None:
    """Declare the custom document fields on the index (UpdateIndex); safe to repeat."""
    _call("update_index", sleep or time.sleep, Id=settings.KENDRA_INDEX_ID,
          DocumentMetadataConfigurationUpdates=ATTRIBUTES)


def track_document(track: Track) -> dict:
    """A track as a Kendra document: searchable text plus filterable fields."""
    text = " ".join(filter(None, [track.name, track.artist, track.album, MOOD_WORDS.get(track.mood, "")]))
    attributes = [{"Key": "artist", "Value": {"StringValue": track.artist or "unknown"}},
                  {"Key": "album", "Value": {"StringValue": track.album or "unknown"}}]
    if track.mood:
        attributes.append({"Key": "mood", "Value": {"StringValue": track.mood}})
    if track.year:
        attributes.append({"Key": "year", "Value": {"LongValue": track.year}})
    return {"Id": f"{DOCUMENT_PREFIX}{track.id}", "Title": f"{track.name} — {track.artist}",
            "Blob": text.encode("utf-8"), "ContentType": "PLAIN_TEXT", "Attributes": attributes}


def _put(tracks: list[Track], sleep: Callable[[float], None]) -> set[int]:
    """Push up to 10 tracks, re-sending failed documents; return the ids Kendra accepted."""
    pending = {track.id: track for track in tracks}
    for delay in (*RETRY_DELAYS, None):
        response = _call("batch_put_document", sleep, IndexId=settings.KENDRA_INDEX_ID,
                         Documents=[track_document(track) for track in pending.values()])
        failed = {track_id_parse(item["Id"]) for item in response.get("FailedDocuments", [])}
        accepted = set(pending) - failed
        pending = {track_id: pending[track_id] for track_id in failed if track_id in pending}
        yield from accepted
        if not pending or delay is None:
            return
        sleep(delay)


def tracks_kendra_push(*, track_ids: Iterable[int] | None = None,
                       sleep: Callable[[float], None] | None = None) -> SyncSummary:
    """Push active tracks changed since their last push and delete deactivated ones; return the counts."""
    sleep = sleep or time.sleep  # looked up per call, so tests can replace time.sleep
    summary = SyncSummary()
    changed = Track.objects.filter(active=True, cell__isnull=False).filter(
        Q(indexed_at__isnull=True) | Q(updated_at__gt=F("indexed_at")))
    gone = Track.objects.filter(active=False, indexed_at__isnull=False)
    if track_ids is not None:
        changed, gone = changed.filter(id__in=list(track_ids)), gone.filter(id__in=list(track_ids))
    tracks = list(changed.order_by("id"))
    for start in range(0, len(tracks), BATCH):
        batch = tracks[start:start + BATCH]
        accepted = set(_put(batch, sleep))
        Track.objects.filter(id__in=accepted).update(indexed_at=timezone.now())
        summary.pushed += len(accepted)
        summary.failed += len(batch) - len(accepted)
    ids = list(gone.order_by("id").values_list("id", flat=True))
    for start in range(0, len(ids), BATCH):
        batch = ids[start:start + BATCH]
        _call("batch_delete_document", sleep, IndexId=settings.KENDRA_INDEX_ID,
              DocumentIdList=[f"{DOCUMENT_PREFIX}{track_id}" for track_id in batch])
        Track.objects.filter(id__in=batch).update(indexed_at=None)
        summary.deleted += len(batch)
    return summary
