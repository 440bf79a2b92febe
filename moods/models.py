from django.conf import settings
from django.db import models
from django.utils import timezone

from accounts.models import Strategy


class Emotion(models.TextChoices):
    HAPPY = "HAPPY", "happy"
    SAD = "SAD", "sad"
    ANGRY = "ANGRY", "angry"
    CONFUSED = "CONFUSED", "confused"
    DISGUSTED = "DISGUSTED", "disgusted"
    SURPRISED = "SURPRISED", "surprised"
    CALM = "CALM", "calm"
    FEAR = "FEAR", "afraid"


class MoodCapture(models.Model):
    """One reading of a user's mood: a photo analysed by a backend, or a mood picked by hand."""

    class Source(models.TextChoices):
        CAMERA = "camera", "webcam snapshot"
        UPLOAD = "upload", "uploaded photo"
        MANUAL = "manual", "picked by hand"
        # Read by face-api in the listener's browser: only scores and face boxes reached us, never a photo.
        DEVICE = "device", "read on this device"
        LIVE = "live", "live session on this device"

    class Status(models.TextChoices):
        # With S3 the browser sends the photo straight to the bucket: the row waits for it to arrive.
        AWAITING_UPLOAD = "awaiting", "awaiting upload"
        QUEUED = "queued", "queued"
        ANALYSING = "analysing", "analysing"
        DONE = "done", "done"
        NO_FACE = "no_face", "no face found"
        FAILED = "failed", "failed"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="captures")
    image = models.FileField(blank=True, max_length=255)  # empty once discarded, or for a manual mood
    source = models.CharField(max_length=10, choices=Source.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    emotion = models.CharField("dominant emotion", max_length=10, choices=Emotion.choices, blank=True)
    confidence = models.FloatField(null=True, blank=True)  # 0-100
    scores = models.JSONField(default=dict, blank=True)  # every Emotion -> 0-100
    face_count = models.PositiveSmallIntegerField(default=0)
    faces = models.JSONField(default=list, blank=True)  # [{"box": [l, t, w, h], "scores": {...}}], fractions
    # A kept live session's sampled readings, oldest first: [{"t": seconds from its start, "scores": {...}}].
    timeline = models.JSONField(default=list, blank=True)
    group = models.BooleanField(default=False, help_text="Average all faces, weighted by size.")
    backend = models.CharField(max_length=20, blank=True)
    # Which model read the photo (the local backend falls back to another one without npm's files).
    model = models.CharField(max_length=60, blank=True)
    # The listener's one-tap correction of an uncertain reading, kept beside the model's own (`emotion`):
    # the songs follow it, and it is a signal for choosing the next model.
    correction = models.CharField(max_length=10, choices=Emotion.choices, blank=True)
    corrected_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    strategy = models.CharField(max_length=10, choices=Strategy.choices, default=Strategy.MATCH)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # created_at in TIME_ZONE, kept at write time so that the history's per-day and weekday x hour
    # aggregates group on plain columns; `manage.py captures_localise` recomputes them after TIME_ZONE changes.
    local_date = models.DateField(editable=False)
    local_weekday = models.PositiveSmallIntegerField(editable=False)  # 0 is Monday
    local_hour = models.PositiveSmallIntegerField(editable=False)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="capture_user_history"),
            models.Index(fields=["user", "emotion", "-created_at"], name="capture_user_emotion"),
            models.Index(fields=["status", "created_at"], name="capture_status_age"),
            # Covering indexes of the history's two GROUP BYs: read in group order, no table lookups.
            models.Index(fields=["user", "local_date", "emotion"], name="capture_user_days"),
            models.Index(fields=["user", "local_weekday", "local_hour", "emotion"], name="capture_user_hours"),
        ]

    def __str__(self) -> str:
        return f"capture {self.pk} of {self.user_id}: {self.status} {self.emotion}".strip()

    def save(self, *args, update_fields=None, **kwargs):
        self.localise()
        if update_fields is not None and "created_at" in update_fields:
            update_fields = {*update_fields, *LOCAL_FIELDS}
        super().save(*args, update_fields=update_fields, **kwargs)

    def localise(self) -> None:
        """Set the local_* fields from created_at; bulk_create and bulk_update callers call it themselves."""
        local = timezone.localtime(self.created_at)
        self.local_date, self.local_weekday, self.local_hour = local.date(), local.weekday(), local.hour


LOCAL_FIELDS = ("local_date", "local_weekday", "local_hour")
