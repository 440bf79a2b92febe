from django.contrib.auth.models import AbstractUser
from django.db import models


class Strategy(models.TextChoices):
    MATCH = "match", "Match my mood"
    UPLIFT = "uplift", "Lift my mood, step by step"


class User(AbstractUser):
    """A listener. Custom from the first migration so fields can be added without pain."""

    strategy = models.CharField(
        "default recommendation strategy", max_length=10, choices=Strategy.choices, default=Strategy.MATCH,
    )
    keep_images = models.BooleanField(
        "keep my photos after analysis", default=True,
        help_text="When off, each photo is deleted as soon as its emotion has been read.",
    )
