import factory

from accounts.tests.factories import UserFactory
from moods.models import MoodCapture
from music.affect import grid_cell
from music.models import Track


class TrackFactory(factory.django.DjangoModelFactory):
    """A track with features; position and cell follow valence and energy, as the import service sets them."""

    class Meta:
        model = Track

    spotify_id = factory.Sequence(lambda n: f"{n:022d}")
    name = factory.Sequence(lambda n: f"Song {n}")
    artist = factory.Sequence(lambda n: f"Artist {n}")
    album = "An Album"
    valence = 0.5
    energy = 0.5
    mood = "happy"
    mood_source = Track.MoodSource.DATASET
    pos_valence = factory.SelfAttribute("valence")
    pos_energy = factory.SelfAttribute("energy")
    cell = factory.LazyAttribute(lambda track: grid_cell(track.valence, track.energy))


class DoneCaptureFactory(factory.django.DjangoModelFactory):
    """A capture the moods app has finished analysing (the music app's input)."""

    class Meta:
        model = MoodCapture

    user = factory.SubFactory(UserFactory)
    source = MoodCapture.Source.MANUAL
    status = MoodCapture.Status.DONE
    emotion = "CALM"
    confidence = 90.0


def curator_create(username: str = "curie"):
    """A staff user in the `curator` group (made by migration 0003)."""
    from django.contrib.auth.models import Group

    user = UserFactory(username=username, is_staff=True)
    user.groups.add(Group.objects.get(name="curator"))
    return user
