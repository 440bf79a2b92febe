"""A worker child loads the emotion model as it starts, so that no capture waits for it."""

from celery.signals import worker_process_init

from moods import emotion
from moods.emotion import blazeface
from moods.emotion.local import LocalDetector


def test_a_worker_child_loads_the_emotion_model_and_face_detectors_as_it_starts(settings, faceapi_files):
    settings.EMOTION_BACKEND = "local"
    emotion._detector.cache_clear()
    blazeface.session.cache_clear()

    worker_process_init.send(sender=None)

    assert emotion._detector.cache_info().currsize == 1
    detector = emotion.get_detector()
    assert type(detector) is LocalDetector
    assert detector.reader.front_end == "blazeface"
    assert blazeface.session.cache_info().currsize == 2  # short range and full range
