"""Where the default storage keeps a capture's photo, when that is S3."""

from django.core.files.storage import default_storage


def s3_location(name: str) -> dict | None:
    """{"Bucket", "Name"} of a stored file when the default storage is S3, else None."""
    bucket = getattr(default_storage, "bucket_name", None)
    if not bucket:
        return None
    prefix = (default_storage.location or "").strip("/")
    return {"Bucket": bucket, "Name": f"{prefix}/{name}" if prefix else name}
