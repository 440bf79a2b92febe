from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone


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

    class Meta(AbstractUser.Meta):
        constraints = [
            # Case-insensitive, so "Root" cannot sign up beside "root", and one mailbox holds one account
            # (guests have no address). accounts.validators says so first; these catch two parallel sign-ups.
            models.UniqueConstraint(Lower("username"), name="user_username_ci_unique"),
            models.UniqueConstraint(Lower("email"), condition=~models.Q(email=""), name="user_email_ci_unique"),
        ]



class ApiToken(models.Model):
    """One API token of a user: several at once (one per device or script), each expiring, each revocable."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    # Only a digest is kept: a copy of the database gives nobody a usable token.
    digest = models.CharField(max_length=64, unique=True)
    hint = models.CharField(max_length=8, help_text="The token's first characters, so its owner can tell it apart.")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    # Django's HMAC of the password hash when the token was issued (as a session keeps): any password
    # change, even one no service hears of (the admin's own form, `manage.py changepassword`), ends it.
    password_mark = models.CharField(max_length=64)

    class Meta:
        ordering = ("-created_at", "-id")

    def __str__(self) -> str:
        return f"{self.hint}… of {self.user_id}"
