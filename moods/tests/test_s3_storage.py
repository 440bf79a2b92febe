"""Photos on S3 (moto): private, encrypted, unique keys, presigned SigV4 links, read in place by Rekognition."""

import boto3
import pytest
from botocore.stub import Stubber
from django.core.files.uploadedfile import SimpleUploadedFile
from moto import mock_aws

from accounts.tests.factories import UserFactory
from moods import services
from moods.models import MoodCapture
from moods.tests.images import astronaut_jpeg

pytestmark = pytest.mark.django_db

BUCKET = "cloudscendo-test-captures"
ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"


@pytest.fixture
def s3(monkeypatch, settings):
    for key, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                       "AWS_SESSION_TOKEN": "testing", "AWS_DEFAULT_REGION": "us-east-1"}.items():
        monkeypatch.setenv(key, value)
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket=BUCKET)
        # The same options as settings._default_storage() for STORAGE_BACKEND=s3; us-east-1 is
        # where presigned URLs fall back to SigV2 unless s3v4 is set.
        settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
            "bucket_name": BUCKET, "region_name": "us-east-1", "location": "captures", "signature_version": "s3v4",
            "default_acl": None, "file_overwrite": False, "querystring_auth": True, "querystring_expire": 300,
            "object_parameters": {"ServerSideEncryption": "AES256"}}}}
        yield client


def _keys(s3) -> list[str]:
    return sorted(item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET).get("Contents", []))


def _upload(client) -> MoodCapture:
    client.post("/capture/", {"photo": SimpleUploadedFile("me.jpg", astronaut_jpeg()), "source": "upload"})
    return MoodCapture.objects.get()


def test_an_uploaded_photo_is_stored_encrypted_and_private_under_a_random_key(client, s3):
    client.force_login(UserFactory())

    capture = _upload(client)

    key = f"captures/{capture.image.name}"
    assert _keys(s3) == [key]
    assert capture.image.name.startswith("photos/") and len(capture.image.name) == len("photos/") + 32 + len(".jpg")
    assert s3.head_object(Bucket=BUCKET, Key=key)["ServerSideEncryption"] == "AES256"
    grants = s3.get_object_acl(Bucket=BUCKET, Key=key)["Grants"]
    assert [grant["Permission"] for grant in grants] == ["FULL_CONTROL"]
    assert all(grant["Grantee"].get("URI") != ALL_USERS for grant in grants)


def test_the_photo_is_shown_through_a_short_lived_sigv4_link(client, s3):
    client.force_login(UserFactory())
    capture = _upload(client)

    response = client.get(f"/captures/{capture.id}/photo")

    assert response.status_code == 302
    url = response["Location"]
    assert url.startswith(f"https://{BUCKET}.s3.amazonaws.com/captures/{capture.image.name}?")
    assert "X-Amz-Algorithm=AWS4-HMAC-SHA256" in url
    assert "X-Amz-Expires=300" in url and "X-Amz-Signature=" in url
    assert "AWSAccessKeyId" not in url  # not SigV2


def test_another_user_gets_no_link(client, s3):
    client.force_login(UserFactory())
    capture = _upload(client)
    client.force_login(UserFactory())

    assert client.get(f"/captures/{capture.id}/photo").status_code == 404


def test_rekognition_reads_the_stored_object_in_place(s3, client, settings, monkeypatch):
    client.force_login(UserFactory())
    capture = _upload(client)
    settings.EMOTION_BACKEND = "rekognition"
    rekognition = boto3.client("rekognition", region_name="us-east-1")
    monkeypatch.setattr("cloudscendo.aws.client", lambda service: rekognition)
    with Stubber(rekognition) as stub:
        stub.add_response("detect_faces", {"FaceDetails": [{
            "BoundingBox": {"Left": 0.3, "Top": 0.1, "Width": 0.2, "Height": 0.25},
            "Emotions": [{"Type": "HAPPY", "Confidence": 97.5}]}]},
            expected_params={"Image": {"S3Object": {"Bucket": BUCKET, "Name": f"captures/{capture.image.name}"}},
                             "Attributes": ["EMOTIONS"]})

        services.capture_analyse(capture_id=capture.id)

        stub.assert_no_pending_responses()
    capture.refresh_from_db()
    assert (capture.status, capture.emotion, capture.confidence) == ("done", "HAPPY", 97.5)


def test_deleting_the_capture_deletes_the_object(client, s3, django_capture_on_commit_callbacks):
    client.force_login(UserFactory())
    capture = _upload(client)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/captures/{capture.id}/delete/")

    assert _keys(s3) == []
    assert not MoodCapture.objects.exists()


def test_a_photo_not_kept_is_deleted_from_the_bucket_after_analysis(client, s3, django_capture_on_commit_callbacks):
    client.force_login(UserFactory(keep_images=False))

    with django_capture_on_commit_callbacks(execute=True):
        capture = _upload(client)

    capture.refresh_from_db()
    assert (capture.status, capture.emotion, capture.image.name) == ("done", "HAPPY", "")
    assert _keys(s3) == []
