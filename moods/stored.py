"""Where the default storage keeps a capture's photo, when that is S3, and how it fails."""

from django.core.files.storage import default_storage

# Where the browser posts a photo straight to the bucket (moods/uploads.py), under the storage's prefix.
# Nothing there has been checked yet: no backend reads it and no link points at it until a worker has
# replaced it with its clean copy (services._upload_clean).
RAW_UPLOADS = "uploads/"


def photo_showable(name: str) -> bool:
    """Whether a stored name is a clean photo that may be shown to its owner (not a raw upload, not discarded)."""
    return bool(name) and not name.startswith(RAW_UPLOADS)


def s3_location(name: str) -> dict | None:
    """{"Bucket", "Name"} of a stored file when the default storage is S3, else None."""
    bucket = getattr(default_storage, "bucket_name", None)
    if not bucket:
        return None
    prefix = (default_storage.location or "").strip("/")
    return {"Bucket": bucket, "Name": f"{prefix}/{name}" if prefix else name}


def storage_errors() -> tuple[type[Exception], ...]:
    """The errors the default storage raises when it cannot be reached or written."""
    if not getattr(default_storage, "bucket_name", None):
        return (OSError,)  # local files: disk full, permissions, a missing mount
    from botocore.exceptions import BotoCoreError, ClientError  # timeouts, refused connections, 5xx, denied

    return (BotoCoreError, ClientError, OSError)
