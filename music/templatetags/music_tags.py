"""{% capture_carousel capture %}: the song carousel of a capture, for any page (the moods result page too)."""

from django import template

from music import exports, selectors

register = template.Library()


@register.inclusion_tag("music/_carousel.html", takes_context=True)
def capture_carousel(context, capture) -> dict:
    playlist = selectors.playlist_current(capture_id=capture.id)
    songs = selectors.playlist_songs(playlist_id=playlist.id) if playlist else []
    return {"capture": capture, "request": context.get("request"),
            **exports.carousel_context(playlist=playlist, songs=songs)}
