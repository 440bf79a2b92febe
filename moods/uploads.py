"""Photos the browser sends straight to the S3 bucket: sign its POST, then confirm the photo arrived.

With STORAGE_BACKEND=s3 the web process never holds the photo. It signs a POST whose policy bounds
the size, the type and the exact key (under the storage's prefix, in uploads/), creates the capture
awaiting its photo, then checks (HEAD) that the object is there and queues the analysis. The worker
cleans the photo exactly as one sent to us (services._upload_clean) before anything reads it.
"""

import logging
import uuid

from django.conf import settings
from django.core.files.storage import default_storage

from accounts.models import User
from moods import services, stored
from moods.models import MoodCapture

logger = logging.getLogger(__name__)

Status = MoodCapture.Status

UPLOAD_MISSING_MESSAGE = "Your photo did not reach us. Please send it again."
# The bucket's answer to a refused POST is not one the page can show: it says this instead.
REFUSED_MESSAGE = "The photo store refused this file. Send a JPEG, PNG or WebP photo of at most {size:g} MB."


class UploadMissing(Exception):
    """The capture's photo is not in the bucket (yet): nothing changed, the browser may send it again."""


def capture_upload_start(*, user: User, source: str, group: bool = False,
                         strategy: str | None = None) -> tuple[MoodCapture, dict]:
    """Create a capture awaiting its photo; return it with the presigned POST ({"url", "fields"}) to send it with.

    Raises services.StorageUnavailable when the POST cannot be signed (no credentials); then no row exists.
    """
    name = f"{stored.RAW_UPLOADS}{uuid.uuid4().hex}"
    post = _presigned_post(name)
    capture = MoodCapture.objects.create(user=user, image=name, source=source, group=group,
                                         status=Status.AWAITING_UPLOAD, strategy=strategy or user.strategy)
    return capture, post


def _presigned_post(name: str) -> dict:
    location = stored.s3_location(name)
    encryption = {"x-amz-server-side-encryption": "AES256"}  # as the storage asks of every object it writes
    # The bucket itself refuses a POST that breaks these (https://docs.aws.amazon.com/AmazonS3/latest/API/
    # sigv4-HTTPPOSTConstructPolicy.html); the key's exact-match condition is added by boto3 from the key.
    conditions = [["content-length-range", 1, settings.UPLOAD_MAX_BYTES], ["starts-with", "$Content-Type", "image/"],
                  encryption]
    try:
        return default_storage.connection.meta.client.generate_presigned_post(
            location["Bucket"], location["Name"], Fields=encryption, Conditions=conditions,
            ExpiresIn=settings.AWS_S3_UPLOAD_EXPIRE)
    except stored.storage_errors() as error:
        logger.warning("cannot sign an upload: %s", error)
        raise services.StorageUnavailable(services.STORAGE_DOWN_MESSAGE) from error


def refused_message() -> str:
    """What the page says when the bucket refuses a photo under the policy."""
    return REFUSED_MESSAGE.format(size=settings.UPLOAD_MAX_BYTES / 1024 / 1024)


def capture_upload_confirm(*, capture: MoodCapture) -> MoodCapture:
    """Queue the analysis of a capture whose photo is in the bucket; a capture confirmed before is left alone.

    Raises UploadMissing (nothing changed) or services.StorageUnavailable.
    """
    if capture.status == Status.AWAITING_UPLOAD:
        if not _uploaded(capture.image.name):
            raise UploadMissing(UPLOAD_MISSING_MESSAGE)
        services.capture_queue_uploaded(capture_id=capture.id)
        capture.refresh_from_db()
    return capture


def _uploaded(name: str) -> bool:
    from botocore.exceptions import ClientError

    location = stored.s3_location(name)
    try:
        default_storage.connection.meta.client.head_object(Bucket=location["Bucket"], Key=location["Name"])
    except ClientError as error:
        # Without s3:ListBucket on the bucket S3 answers a missing object with 403, not 404
        # (https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html, "Permissions").
        if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "403", "AccessDenied"):
            return False
        raise services.StorageUnavailable(services.STORAGE_DOWN_MESSAGE) from error
    except stored.storage_errors() as error:
        raise services.StorageUnavailable(services.STORAGE_DOWN_MESSAGE) from error
    return True
