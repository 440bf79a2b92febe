from django.contrib.auth.models import AbstractUser
from django.db import models


class Strategy(models.TextChoices):
    MATCH = "match", "Match my mood"
    UPLIFT = "uplift", "Lift my mood, step by step"


class Player(models.TextChoices):
    AUTO = "auto", "YouTube where a video is known, else Spotify"
    SPOTIFY = "spotify", "Spotify first"
    YOUTUBE = "youtube", "YouTube first"


class User(AbstractUser):
    """A listener. Custom from the first migration so fields can be added without pain."""

    strategy = models.CharField(
        "default recommendation strategy", max_length=10, choices=Strategy.choices, default=Strategy.MATCH,
    )
    keep_images = models.BooleanField(
        "keep my photos after analysis", default=True,
        help_text="When off, each photo is deleted as soon as its emotion has been read.",
    )
    player = models.CharField(
        # db_default too: rows written by code that predates this field (old migrations' models) get it.
        "preferred player", max_length=10, choices=Player.choices, default=Player.AUTO, db_default=Player.AUTO,
        help_text="Which service plays a song that both have; the other one is the fallback.",
    )
    share_corrections = models.BooleanField(
        # Off unless the listener opts in: a correction says how their face looked to them, which is theirs.
        "let my corrections help choose the next expression model", default=False, db_default=False,
        help_text="When on, the moods you pick to correct an uncertain reading are counted (with no photo and no "
                  "name) in the comparison between the model and listeners that decides which model reads "
                  "faces next.",
    )
    is_guest = models.BooleanField(
        "trying it without an account", default=False, db_default=False,
        help_text="A visitor's trial: deleted, with every reading and photo, when the trial ends.",
    )
