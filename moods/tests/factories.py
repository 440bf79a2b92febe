from pathlib import Path

import factory
from django.conf import settings
from django.core.files.base import ContentFile

from accounts.tests.factories import UserFactory
from moods.models import MoodCapture
from moods.tests.images import astronaut_jpeg


class MoodCaptureFactory(factory.django.DjangoModelFactory):
    """A queued capture of an uploaded photo of the astronaut (a smiling face), stored in default storage."""

    class Meta:
        model = MoodCapture

    user = factory.SubFactory(UserFactory)
    source = MoodCapture.Source.UPLOAD
    image = factory.LazyFunction(lambda: ContentFile(astronaut_jpeg(), name="photos/astronaut.jpg"))


def stored_files() -> list[str]:
    """Every file in the local test storage (conftest gives each test its own MEDIA_ROOT)."""
    root = Path(settings.MEDIA_ROOT)
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())
