"""Services of the music app, one module per concern: the writes (lists, feedback, imports, videos,
Kendra), the searches that go through a port (search.py), and the one module that sends tasks
(enqueue.py). The moods app's seam is re-exported here."""

from music.services.recommendations import (
    capture_first_list,
    capture_recommendations_correct,
    capture_recommendations_enqueue,
)

__all__ = ["capture_first_list", "capture_recommendations_correct", "capture_recommendations_enqueue"]
