"""{% capture_songs capture %}: a capture's current song list with its player, for any page."""

from django import template

from accounts.models import Player
from music import exports, selectors

register = template.Library()


@register.inclusion_tag("music/_songs.html", takes_context=True)
def capture_songs(context, capture, current=None) -> dict:
    """current: the capture's (playlist, songs) when the view already read them, else read here."""
    request = context.get("request")
    playlist, songs = current or selectors.capture_songs_current(capture_id=capture.id)
    preference = getattr(getattr(request, "user", None), "player", Player.AUTO)
    return {"capture": capture, "request": request,
            **exports.songs_context(playlist=playlist, songs=songs, preference=preference)}
