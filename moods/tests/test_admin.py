"""The capture admin: staff can list and filter readings, not edit them; deleting one deletes its photo."""

import pytest

from accounts.tests.factories import UserFactory
from moods.models import MoodCapture
from moods.tests.factories import MoodCaptureFactory, stored_files

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_the_list_filters_by_status(staff_client, django_assert_max_num_queries):
    MoodCaptureFactory(status="done", emotion="HAPPY")
    MoodCaptureFactory(status="failed")

    with django_assert_max_num_queries(8):  # users come in the same query (list_select_related)
        response = staff_client.get("/admin/moods/moodcapture/?status__exact=failed")

    assert response.status_code == 200
    assert [c.status for c in response.context["cl"].result_list] == ["failed"]


def test_the_backend_filter_names_captures_with_no_backend_yet(staff_client):
    MoodCaptureFactory(status="done", emotion="HAPPY", backend="local")
    queued = MoodCaptureFactory()

    response = staff_client.get("/admin/moods/moodcapture/?backend=-")

    assert [c.id for c in response.context["cl"].result_list] == [queued.id]
    html = response.content.decode()
    assert '<a href="?backend=-">none yet</a>' in html and '<a href="?backend=local">local</a>' in html


def test_a_capture_is_read_only_in_the_admin(staff_client):
    capture = MoodCaptureFactory(status="done", emotion="HAPPY")

    response = staff_client.post(f"/admin/moods/moodcapture/{capture.id}/change/", {"emotion": "SAD"})

    capture.refresh_from_db()
    assert response.status_code == 302
    assert capture.emotion == "HAPPY"
    assert staff_client.get("/admin/moods/moodcapture/add/").status_code == 403


def test_deleting_in_the_admin_deletes_the_photo(staff_client, django_capture_on_commit_callbacks):
    capture = MoodCaptureFactory()

    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(f"/admin/moods/moodcapture/{capture.id}/delete/", {"post": "yes"})

    assert not MoodCapture.objects.exists()
    assert stored_files() == []
