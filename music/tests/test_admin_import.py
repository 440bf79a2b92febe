"""Importing a CSV from the admin: stored, imported by the task with progress and summary, then deleted."""

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from music.models import ImportJob, Track
from music.tests.factories import curator_create

pytestmark = pytest.mark.django_db
ADD = "/admin/music/importjob/add/"


def upload(client, name: str, text: str, capture, **fields: str):
    with capture(execute=True):
        return client.post(ADD, {"upload": SimpleUploadedFile(name, text.encode()), "format": "auto", **fields})


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


def test_a_mostly_broken_upload_fails_with_its_message_writes_nothing_and_is_deleted(
        client, django_capture_on_commit_callbacks):
    client.force_login(curator_create())

    upload(client, "broken.csv", "name,artist,album,year,mood\nOne,A,X,20x1,Happy\nTwo,B,X,20x2,Sad\n",
           django_capture_on_commit_callbacks)

    job = ImportJob.objects.get()
    assert job.status == "failed"
    assert job.message == "broken.csv: 2 of 2 rows are broken, nothing was imported (line 2: year is not a number " \
                          "in 1000..2100; line 3: year is not a number in 1000..2100)"
    assert Track.objects.count() == 0
    assert default_storage.listdir("imports") == ([], [])


def test_a_file_of_no_known_format_is_refused_in_the_form_naming_its_columns_and_how_to_map_them(
        client, django_capture_on_commit_callbacks):
    client.force_login(curator_create())

    response = upload(client, "weather.csv", "city,temperature\nOslo,3\n", django_capture_on_commit_callbacks)

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "This file's columns (“city”, “temperature”) match none of the known formats (moods, hit_predictor, "
        "tracks114k, labelled278k, starter, catalogue). Under “Column mapping”, type the name of the column that "
        "holds the Spotify track id, or the columns that hold the song name and the artist, then send the file "
        "again."]
    assert "--map" not in response.content.decode() and "--format" not in response.content.decode()
    assert (ImportJob.objects.count(), Track.objects.count()) == (0, 0)
    assert not default_storage.exists("imports")


HOW_TO_MAP = ("Under “Column mapping”, type the name of the column that holds the Spotify track id, or the columns "
              "that hold the song name and the artist, then send the file again.")


@pytest.mark.parametrize(("text", "fields", "errors"), [
    pytest.param("title,singer\nSong,Singer\n", {"map_name": "title"}, {"__all__": [
        f"Nothing tells the songs apart yet: map a column to “Spotify track id”, or to “Artist” too. {HOW_TO_MAP}"]},
        id="a mapping that still lacks the artist"),
    pytest.param("title,singer\nSong,Singer\n", {"map_name": "title", "map_artist": "artiste"}, {"map_artist": [
        "The file has no column “artiste”; its columns are “title”, “singer”."]},
        id="a mapped column the file does not have"),
    pytest.param("name,artist\nSong,Singer\n", {"format": "starter"}, {"__all__": [
        "This is not a starter file: it has no column “album”, “mood”, “year”. Choose “auto”, or map its columns "
        "under “Column mapping”."]}, id="a named format the file is not"),
])
def test_a_file_the_import_would_refuse_gets_the_forms_words_and_no_job(client, django_capture_on_commit_callbacks,
                                                                        text, fields, errors):
    client.force_login(curator_create())

    response = upload(client, "mine.csv", text, django_capture_on_commit_callbacks, **fields)

    assert response.context["form"].errors == errors
    assert (ImportJob.objects.count(), Track.objects.count()) == (0, 0)


def test_a_mapped_upload_is_imported_with_its_mapping(client, django_capture_on_commit_callbacks):
    client.force_login(curator_create())

    response = upload(client, "mine.csv", "title,singer,happiness,power,clip\nSong,Singer,0.9,0.8,dQw4w9WgXcQ\n",
                      django_capture_on_commit_callbacks, map_name="title", map_artist="singer",
                      map_valence="happiness", map_energy="power", map_video_id="clip")

    job = ImportJob.objects.get()
    assert response.url == f"/admin/music/importjob/{job.id}/change/"
    assert (job.status, job.format, job.mapping) == ("done", "generic", {
        "title": "name", "singer": "artist", "happiness": "valence", "power": "energy", "clip": "video_id"})
    assert Track.objects.values_list("name", "artist", "valence", "energy", "mood", "video_id").get() == (
        "Song", "Singer", 0.9, 0.8, "happy", "dQw4w9WgXcQ")
    assert default_storage.listdir("imports") == ([], [])


def test_the_form_maps_every_field_the_command_line_can():
    from music.import_form import FIELD_LABELS
    from music.importers.generic import FIELDS

    assert set(FIELD_LABELS) == FIELDS


def test_a_listener_cannot_upload_and_nothing_is_stored(client, django_capture_on_commit_callbacks):
    from accounts.tests.factories import UserFactory

    client.force_login(UserFactory(is_staff=True))

    response = upload(client, "mine.csv", "name,artist,album,year,mood\nOne,A,X,2001,Happy\n",
                      django_capture_on_commit_callbacks)

    assert response.status_code == 403
    assert (ImportJob.objects.count(), Track.objects.count()) == (0, 0)
    assert not default_storage.exists("imports")
