"""Writes of the music app, one module per concern; the moods app's seam is re-exported here."""

from music.services.recommendations import capture_recommendations_correct, capture_recommendations_enqueue

__all__ = ["capture_recommendations_correct", "capture_recommendations_enqueue"]
