"""Short-lived links to a capture's photo for API clients, which may hold no session cookie."""

from django.conf import settings
from django.core import signing
from django.core.files.storage import default_storage
from django.urls import reverse

from moods.models import MoodCapture
from moods.stored import photo_showable, s3_location

_SALT = "moods.api.photo"


def photo_url(*, capture: MoodCapture, request) -> str | None:
    """A presigned S3 URL or a signed link to our photo view (PHOTO_URL_EXPIRE_SECONDS); None without a clean photo."""
    if not photo_showable(capture.image.name):
        return None
    if s3_location(capture.image.name):
        return default_storage.url(capture.image.name)
    token = signing.TimestampSigner(salt=_SALT).sign(str(capture.id))
    return request.build_absolute_uri(reverse("api-photo", args=[token]))


def photo_capture_id(*, token: str) -> int:
    """The capture id a link was signed for; raise signing.BadSignature when forged or expired."""
    return int(signing.TimestampSigner(salt=_SALT).unsign(token, max_age=settings.PHOTO_URL_EXPIRE_SECONDS))
