"""Writes to single tracks and their derived fields: mood, ranking position, curation."""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from music.affect import grid_cell, mood_derive, track_position
from music.models import Track

CURATOR = Track.MoodSource.CURATOR
DERIVED = Track.MoodSource.DERIVED


def track_values_place(values: dict) -> dict:
    """Fill the derived fields of a track's values: a derived mood, the decade, the ranking position and cell."""
    if values.get("mood_source") in ("", None, DERIVED) and values.get("valence") is not None \
            and values.get("energy") is not None:
        values["mood"] = mood_derive(valence=values["valence"], energy=values["energy"])
        values["mood_source"] = DERIVED
    if values.get("year"):
        values["decade"] = values["year"] // 10 * 10
    values["pos_valence"], values["pos_energy"] = track_position(
        valence=values.get("valence"), energy=values.get("energy"), mood=values.get("mood") or "")
    values["cell"] = grid_cell(values["pos_valence"], values["pos_energy"]) if values.get("name") else None
    return values


def track_curate(*, track: Track, changed: Iterable[str]) -> Track:
    """Save a curator's edit of a track: a mood set by hand becomes the curator's, and the track is re-placed."""
    changed = set(changed)
    if "mood" in changed:
        track.mood_source = CURATOR if track.mood else ""
    if "video_id" in changed:
        track.video_state = Track.VideoState.CURATOR if track.video_id else Track.VideoState.UNKNOWN
        track.video_checked_at = timezone.now() if track.video_id else None
    values = track_values_place({field.name: getattr(track, field.name) for field in Track._meta.concrete_fields})
    for name in ("mood", "mood_source", "decade", "pos_valence", "pos_energy", "cell"):
        setattr(track, name, values[name])
    track.save()
    return track


@transaction.atomic
def tracks_mood_set(*, track_ids: Iterable[int], mood: str) -> int:
    """Give tracks a curator's mood; return how many changed."""
    tracks = list(Track.objects.filter(id__in=list(track_ids)).exclude(mood=mood, mood_source=CURATOR))
    for track in tracks:
        track.mood = mood
        track_curate(track=track, changed={"mood"})
    return len(tracks)


def tracks_active_set(*, track_ids: Iterable[int], active: bool) -> int:
    """Activate or deactivate tracks; return how many changed."""
    return Track.objects.filter(id__in=list(track_ids)).exclude(active=active).update(
        active=active, updated_at=timezone.now())
