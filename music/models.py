from django.conf import settings
from django.db import models
from django.db.models import Q

from accounts.models import Strategy
from music.affect import Mood

FEATURES = ("valence", "energy", "danceability", "acousticness", "instrumentalness", "speechiness",
            "liveness", "loudness", "tempo", "key", "mode")


class Track(models.Model):
    """One song of the catalogue, with Spotify's audio features when a source had them."""

    class MoodSource(models.TextChoices):
        DATASET = "dataset", "label in the imported data"
        DERIVED = "derived", "derived from valence and energy"
        CURATOR = "curator", "set by a curator"

    class VideoState(models.TextChoices):
        UNKNOWN = "unknown", "not looked up"
        FOUND = "found", "found on YouTube"
        MISSING = "missing", "no embeddable video"
        CURATOR = "curator", "entered by a curator"

    spotify_id = models.CharField(max_length=22, unique=True, null=True, blank=True)
    name = models.CharField(max_length=300, blank=True)
    artist = models.CharField(max_length=500, blank=True, help_text="All artists, comma-separated.")
    album = models.CharField(max_length=300, blank=True)
    release_date = models.CharField(max_length=10, blank=True, help_text="As precise as the source: YYYY[-MM[-DD]].")
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    decade = models.PositiveSmallIntegerField(null=True, blank=True)
    popularity = models.PositiveSmallIntegerField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    valence = models.FloatField(null=True, blank=True)
    energy = models.FloatField(null=True, blank=True)
    danceability = models.FloatField(null=True, blank=True)
    acousticness = models.FloatField(null=True, blank=True)
    instrumentalness = models.FloatField(null=True, blank=True)
    speechiness = models.FloatField(null=True, blank=True)
    liveness = models.FloatField(null=True, blank=True)
    loudness = models.FloatField(null=True, blank=True)
    tempo = models.FloatField(null=True, blank=True)
    key = models.SmallIntegerField(null=True, blank=True)
    mode = models.SmallIntegerField(null=True, blank=True)
    mood = models.CharField(max_length=10, choices=Mood.choices, blank=True)
    mood_source = models.CharField(max_length=10, choices=MoodSource.choices, blank=True)
    # Where the track ranks: its (valence, energy), or its mood's centre without features.
    pos_valence = models.FloatField(default=0.5)
    pos_energy = models.FloatField(default=0.5)
    # Grid cell of the position for the SQLite nearest-neighbour search; null while
    # the track has no name (it could be neither shown nor found on YouTube).
    cell = models.PositiveSmallIntegerField(null=True, blank=True)
    video_id = models.CharField("YouTube video id", max_length=11, blank=True)
    video_state = models.CharField(max_length=10, choices=VideoState.choices, default=VideoState.UNKNOWN)
    video_checked_at = models.DateTimeField(null=True, blank=True)
    active = models.BooleanField(default=True)
    curator_notes = models.TextField(blank=True)
    indexed_at = models.DateTimeField("pushed to Kendra", null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        indexes = [
            # The position too, so SQLite picks the nearest tracks of a square of cells from the index
            # alone (music.selectors._NEAREST_SQL).
            models.Index(fields=["active", "cell", "pos_valence", "pos_energy"], name="track_active_cell_pos"),
            models.Index(fields=["name", "artist"], name="track_name_artist"),
            models.Index(fields=["mood", "active"], name="track_mood"),
            models.Index(fields=["decade"], name="track_decade"),
            models.Index(fields=["video_state", "video_checked_at"], name="track_video_state"),
        ]

    def __str__(self) -> str:
        return f"{self.name or self.spotify_id} — {self.artist}"

    @property
    def has_features(self) -> bool:
        return self.valence is not None and self.energy is not None

    @property
    def has_embeddable_video(self) -> bool:
        return self.video_state in EMBEDDABLE_VIDEO_STATES


# The video states whose video_id plays in our page: found by a look-up, or entered by a curator.
EMBEDDABLE_VIDEO_STATES = (Track.VideoState.FOUND, Track.VideoState.CURATOR)


class Playlist(models.Model):
    """One build of a capture's song list: by audio features, by a search, or like a seed song."""

    class Status(models.TextChoices):
        QUEUED = "queued", "queued"
        BUILDING = "building", "building"
        READY = "ready", "ready"
        FAILED = "failed", "failed"

    class Source(models.TextChoices):
        FEATURES = "features", "audio features"
        LOCAL = "local", "local search index"
        KENDRA = "kendra", "Amazon Kendra"
        LOCAL_FALLBACK = "local_fallback", "local search index (Kendra unavailable)"

    capture = models.ForeignKey("moods.MoodCapture", on_delete=models.CASCADE, related_name="playlists")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="playlists")
    emotion = models.CharField(max_length=10)
    strategy = models.CharField(max_length=10, choices=Strategy.choices)
    query = models.CharField(max_length=200, blank=True)
    seed_track = models.ForeignKey(Track, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    fresh = models.BooleanField(default=False, help_text="Avoid every song already in this capture's lists.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    source = models.CharField(max_length=15, choices=Source.choices, default=Source.FEATURES)
    note = models.CharField(max_length=300, blank=True,
                            help_text="Said above the list, e.g. that a search matched nothing.")
    error = models.CharField(max_length=300, blank=True, help_text="Why a failed list has no songs, for the listener.")
    attempts = models.PositiveSmallIntegerField(default=0, help_text="Builds started (claims).")
    started_at = models.DateTimeField(null=True, blank=True, help_text="When the last build was claimed.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["capture", "status", "-id"], name="playlist_capture_latest")]

    def __str__(self) -> str:
        return f"playlist {self.pk} of capture {self.capture_id}: {self.strategy} {self.status}"


class Recommendation(models.Model):
    """A song on a capture's list: where it ranks, why, and what the listener said about it."""

    class Feedback(models.TextChoices):
        LIKE = "like", "like"
        DISLIKE = "dislike", "dislike"
        SKIP = "skip", "skip"

    playlist = models.ForeignKey(Playlist, on_delete=models.CASCADE, related_name="recommendations")
    capture = models.ForeignKey("moods.MoodCapture", on_delete=models.CASCADE, related_name="recommendations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recommendations")
    track = models.ForeignKey(Track, on_delete=models.CASCADE, related_name="recommendations")
    rank = models.PositiveSmallIntegerField()
    score = models.FloatField()
    reason = models.CharField(max_length=200)
    feedback = models.CharField(max_length=10, choices=Feedback.choices, blank=True)
    feedback_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["playlist", "rank"]
        # A disliked song leaves the list and its replacement takes its place (its rank).
        constraints = [models.UniqueConstraint(fields=["playlist", "rank"], name="recommendation_rank_once",
                                               condition=~Q(feedback="dislike"))]
        indexes = [
            models.Index(fields=["user", "-id"], name="recommendation_user_recent"),
            models.Index(fields=["user", "feedback"], name="recommendation_user_feedback",
                         condition=~Q(feedback="")),
        ]

    def __str__(self) -> str:
        return f"#{self.rank} {self.track_id} for capture {self.capture_id}"


class ImportJob(models.Model):
    """A CSV uploaded in the admin and imported by a task; the file is deleted afterwards."""

    class Status(models.TextChoices):
        QUEUED = "queued", "queued"
        RUNNING = "running", "running"
        DONE = "done", "done"
        FAILED = "failed", "failed"

    file_name = models.CharField("stored file", max_length=255, blank=True)
    original_name = models.CharField(max_length=255)
    format = models.CharField(max_length=20, default="auto")
    # For "generic": which source column holds which Track field, as the command line's --map column=field.
    mapping = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Percent.")
    summary = models.JSONField(default=dict, blank=True)
    message = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    attempts = models.PositiveSmallIntegerField(default=0, help_text="Runs started (claims).")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True, help_text="When the last run was claimed.")
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"import of {self.original_name}: {self.status}"


class QuotaPause(models.Model):
    """An external API that must not be called before `until` (e.g. YouTube after quotaExceeded)."""

    name = models.CharField(max_length=30, primary_key=True)
    until = models.DateTimeField()
    reason = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return f"{self.name} paused until {self.until:%Y-%m-%d %H:%M %Z}"


class QuotaDay(models.Model):
    """What the app spent of an external API's daily quota on one quota day (YouTube's: the date in Pacific time).

    Spending is a conditional UPDATE (see music.services.videos.video_budget_spend), so
    workers racing for the last call cannot together go past the limit.
    """

    name = models.CharField(max_length=30)
    day = models.DateField()
    search_calls = models.PositiveIntegerField(default=0)
    units = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["name", "day"], name="quota_day_name_day")]

    def __str__(self) -> str:
        return f"{self.name} on {self.day}: {self.search_calls} searches, {self.units} units"


class CatalogueLoad(models.Model):
    """The last load of a catalogue file set: its checksum and the track count after it, so a re-run can skip."""

    name = models.CharField(max_length=30, primary_key=True)
    sha256 = models.CharField(max_length=64)
    tracks = models.PositiveIntegerField(help_text="Tracks in the catalogue right after the load.")
    loaded_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} catalogue loaded {self.loaded_at:%Y-%m-%d %H:%M %Z} (sha256 {self.sha256[:12]}…)"
