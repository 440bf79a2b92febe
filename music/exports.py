"""What the song list and the exports show for each song: players, exact links; CSV and M3U bodies."""

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass

from accounts.models import Player as Preference
from cloudscendo.spreadsheet import row_safe
from music import videos
from music.models import Playlist, Recommendation, Track

PLAYER_ORDER = {  # which provider plays first; the next one is the fallback
    Preference.AUTO: ("youtube", "spotify"),
    Preference.YOUTUBE: ("youtube", "spotify"),
    Preference.SPOTIFY: ("spotify", "youtube"),
}


def spotify_track_url(spotify_id: str) -> str:
    return f"https://open.spotify.com/track/{spotify_id}"


def spotify_embed_url(spotify_id: str) -> str:
    # A 30-second preview for anyone; the whole track for a listener logged in to Spotify in that browser.
    return f"https://open.spotify.com/embed/track/{spotify_id}"


@dataclass(frozen=True)
class Player:
    provider: str  # "youtube" or "spotify"
    embed_url: str


@dataclass(frozen=True)
class TrackLinks:
    track: Track
    video_id: str  # "" when no embeddable video is known
    spotify_url: str | None  # the exact track on Spotify
    youtube_url: str | None  # the exact video on YouTube
    search_url: str | None  # a YouTube search, only when neither service's id is known
    players: tuple[Player, ...]  # in the listener's order of preference

    @property
    def embed_url(self) -> str | None:
        return next((player.embed_url for player in self.players if player.provider == "youtube"), None)

    @property
    def open_url(self) -> str:
        """The best link out: the exact track, else a search."""
        return self.youtube_url or self.spotify_url or self.search_url


def track_links(track: Track, *, preference: str = Preference.AUTO) -> TrackLinks:
    """Where a track plays and links to, players ordered by the listener's preference."""
    video_id = track.video_id if track.has_embeddable_video else ""
    embeds = {"youtube": videos.embed_url(video_id) if video_id else None,
              "spotify": spotify_embed_url(track.spotify_id) if track.spotify_id else None}
    players = tuple(Player(name, embeds[name]) for name in PLAYER_ORDER[preference] if embeds[name])
    known = bool(video_id or track.spotify_id)
    return TrackLinks(
        track=track, video_id=video_id, players=players,
        spotify_url=spotify_track_url(track.spotify_id) if track.spotify_id else None,
        youtube_url=videos.watch_url(video_id) if video_id else None,
        search_url=None if known else videos.search_url(artist=track.artist, name=track.name))


@dataclass(frozen=True)
class Song:
    recommendation: Recommendation
    links: TrackLinks


def songs_context(*, playlist: Playlist | None, songs: Sequence[Recommendation], preference: str) -> dict:
    """Template context for templates/music/_recommendations.html."""
    items = [Song(recommendation=song, links=track_links(song.track, preference=preference)) for song in songs]
    return {"playlist": playlist, "songs": items,
            "building": playlist is not None and playlist.status in (Playlist.Status.QUEUED, Playlist.Status.BUILDING),
            "failed": playlist is not None and playlist.status == Playlist.Status.FAILED,
            "youtube_playlist_url": videos.playlist_url(song.links.video_id for song in items)}


def _youtube_link(links: TrackLinks) -> str:
    return links.youtube_url or videos.search_url(artist=links.track.artist, name=links.track.name)


def songs_csv(songs: Sequence[Recommendation]) -> tuple[str, str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["rank", "name", "artist", "album", "year", "mood", "spotify_id", "spotify_url", "youtube_url",
                     "reason"])
    for rank, song in enumerate(songs, start=1):
        track, links = song.track, track_links(song.track)
        # Names come from imported catalogues and the admin: anyone's text, so never a formula.
        writer.writerow(row_safe([rank, track.name, track.artist, track.album, track.year or "", track.mood,
                                  track.spotify_id or "", links.spotify_url or "", _youtube_link(links),
                                  song.reason]))
    return buffer.getvalue(), "text/csv; charset=utf-8"


def songs_m3u(songs: Sequence[Recommendation]) -> tuple[str, str]:
    """An extended M3U: each entry plays the Spotify track when known; the YouTube link rides in a comment."""
    lines = ["#EXTM3U"]
    for song in songs:
        links = track_links(song.track)
        seconds = round(song.track.duration_ms / 1000) if song.track.duration_ms else -1
        lines.append(f"#EXTINF:{seconds},{song.track.artist} - {song.track.name}")
        if links.spotify_url:
            lines += [f"# YouTube: {_youtube_link(links)}", links.spotify_url]
        else:
            lines.append(_youtube_link(links))
    return "\n".join(lines) + "\n", "audio/x-mpegurl; charset=utf-8"
