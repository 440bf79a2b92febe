"""manage.py kendra_sync through botocore's Stubber: fields, pushes of 10, retries, deletions."""

from io import StringIO

import pytest
from botocore.stub import ANY
from django.core.management import CommandError, call_command
from django.utils import timezone

from music.models import Track
from music.search.kendra import ATTRIBUTES
from music.services import kendra_sync
from music.tests.factories import TrackFactory
from music.tests.kendra import INDEX_ID

pytestmark = pytest.mark.django_db


@pytest.fixture
def sleeps(monkeypatch) -> list[float]:
    slept: list[float] = []
    monkeypatch.setattr(kendra_sync.time, "sleep", slept.append)
    return slept


def put(ids: list[int]) -> dict:
    return {"IndexId": INDEX_ID, "Documents": [
        {"Id": f"track-{i}", "Title": ANY, "Blob": ANY, "ContentType": "PLAIN_TEXT", "Attributes": ANY}
        for i in ids]}


def run() -> str:
    out = StringIO()
    call_command("kendra_sync", stdout=out)
    return out.getvalue()


def test_sync_declares_fields_pushes_in_tens_retries_throttles_and_failures_and_deletes(kendra, sleeps):
    tracks = [TrackFactory(year=2000 + i) for i in range(12)]
    ids = [track.id for track in tracks]
    retired = TrackFactory(active=False, indexed_at=timezone.now())
    kendra.add_response("update_index", {}, {"Id": INDEX_ID, "DocumentMetadataConfigurationUpdates": ATTRIBUTES})
    kendra.add_client_error("batch_put_document", service_error_code="ThrottlingException", http_status_code=400)
    kendra.add_response("batch_put_document", {"FailedDocuments": [
        {"Id": f"track-{ids[3]}", "ErrorCode": "InternalError", "ErrorMessage": "try again"}]}, put(ids[:10]))
    kendra.add_response("batch_put_document", {"FailedDocuments": []}, put([ids[3]]))
    kendra.add_response("batch_put_document", {}, put(ids[10:]))
    kendra.add_response("batch_delete_document", {}, {"IndexId": INDEX_ID, "DocumentIdList": [f"track-{retired.id}"]})

    assert run() == "pushed 12, deleted 1, failed 0\n"
    assert sleeps == [1, 1]
    assert Track.objects.filter(indexed_at__isnull=False).count() == 12
    assert Track.objects.get(id=retired.id).indexed_at is None


def test_a_second_sync_pushes_only_what_changed(kendra, sleeps):
    TrackFactory.create_batch(2)
    Track.objects.update(indexed_at=timezone.now())
    changed = Track.objects.first()
    Track.objects.filter(id=changed.id).update(name="Renamed", updated_at=timezone.now())
    kendra.add_response("update_index", {})
    kendra.add_response("batch_put_document", {}, put([changed.id]))

    assert run() == "pushed 1, deleted 0, failed 0\n"


def test_a_document_that_keeps_failing_is_counted_and_left_for_the_next_sync(kendra, sleeps):
    track = TrackFactory()
    kendra.add_response("update_index", {})
    for _ in range(5):
        kendra.add_response("batch_put_document", {"FailedDocuments": [
            {"Id": f"track-{track.id}", "ErrorCode": "InvalidRequest", "ErrorMessage": "no"}]})

    assert run() == "pushed 0, deleted 0, failed 1\n"
    assert sleeps == [1, 2, 4, 8]
    assert Track.objects.get().indexed_at is None


def test_a_permanent_error_stops_the_sync_with_its_message(kendra, sleeps):
    TrackFactory()
    kendra.add_client_error("update_index", service_error_code="ResourceNotFoundException",
                            service_message="no such index")

    with pytest.raises(CommandError, match="Kendra: ResourceNotFoundException: no such index"):
        run()
    assert Track.objects.get().indexed_at is None


def test_without_an_index_the_command_refuses(settings):
    settings.KENDRA_INDEX_ID = None

    with pytest.raises(CommandError, match="KENDRA_INDEX_ID is not set"):
        run()
