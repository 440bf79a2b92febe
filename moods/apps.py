import logging

from django.apps import AppConfig

logger = logging.getLogger("moods.emotion")


class MoodsConfig(AppConfig):
    name = "moods"

    def ready(self) -> None:
        from django.conf import settings
        from PIL import Image

        # Pillow's own bomb check, at open(), for every image this process reads, set to our upload limit:
        # moods.photos turns its warning into a refusal, and checks the decoded size per format besides.
        Image.MAX_IMAGE_PIXELS = settings.UPLOAD_MAX_PIXELS

        from moods.emotion import detector_model
        from moods.emotion.names import FER_MODEL

        # Said at every start, so that a server missing `npm ci` is noticed before its readings are.
        model = detector_model()
        if model == FER_MODEL and settings.EMOTION_BACKEND == "local":
            logger.warning("emotion backend local reads with %s: face-api's npm files are missing (run `npm ci`)",
                           model)
        else:
            logger.info("emotion backend %s reads with %s", settings.EMOTION_BACKEND, model)
