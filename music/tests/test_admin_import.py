"""Importing a CSV from the admin: stored, imported by the task with progress and summary, then deleted."""

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from music.models import ImportJob, Track
from music.tests.factories import curator_create

pytestmark = pytest.mark.django_db
ADD = "/admin/music/importjob/add/"


def upload(client, name: str, text: str, capture):
    with capture(execute=True):
        return client.post(ADD, {"upload": SimpleUploadedFile(name, text.encode()), "format": "auto"})


def test_an_uploaded_csv_is_imported_by_the_task_and_the_file_deleted(client, django_capture_on_commit_callbacks):
    client.force_login(curator_create())

    response = upload(client, "mine.csv", "name,artist,album,year,mood\nOne,A,X,2001,Happy\nTwo,B,X,2002,Sad\n",
                      django_capture_on_commit_callbacks)

    job = ImportJob.objects.get()
    assert response.url == f"/admin/music/importjob/{job.id}/change/"
    assert (job.status, job.progress, job.original_name, job.file_name) == ("done", 100, "mine.csv", "")
    assert job.summary == {"created": 2, "updated": 0, "unchanged": 0, "skipped": {}}
    assert job.message == "created 2, updated 0, unchanged 0, skipped 0"
    assert Track.objects.count() == 2
    assert default_storage.listdir("imports") == ([], [])
    assert "created 2, updated 0" in client.get(response.url).content.decode()


def test_a_broken_upload_fails_with_its_message_writes_nothing_and_is_deleted(client,
                                                                             django_capture_on_commit_callbacks):
    client.force_login(curator_create())

    upload(client, "weather.csv", "city,temperature\nOslo,3\n", django_capture_on_commit_callbacks)

    job = ImportJob.objects.get()
    assert job.status == "failed"
    assert job.message.startswith("not a known track schema (columns: city, temperature)")
    assert Track.objects.count() == 0
    assert default_storage.listdir("imports") == ([], [])


def test_a_listener_cannot_upload_and_nothing_is_stored(client, django_capture_on_commit_callbacks):
    from accounts.tests.factories import UserFactory

    client.force_login(UserFactory(is_staff=True))

    response = upload(client, "mine.csv", "name,artist,album,year,mood\nOne,A,X,2001,Happy\n",
                      django_capture_on_commit_callbacks)

    assert response.status_code == 403
    assert (ImportJob.objects.count(), Track.objects.count()) == (0, 0)
    assert not default_storage.exists("imports")
