"""What the carousel and the exports show for each song: names, links, embeds; CSV and M3U bodies."""

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass

from music import videos
from music.models import Playlist, Recommendation, Track

EMBEDDABLE = (Track.VideoState.FOUND, Track.VideoState.CURATOR)


@dataclass(frozen=True)
class TrackLinks:
    track: Track
    video_id: str  # "" when no embeddable video is known
    embed_url: str | None
    open_url: str  # the video on YouTube, or a YouTube search for the song


@dataclass(frozen=True)
class Song:
    recommendation: Recommendation
    links: TrackLinks


def track_links(track: Track) -> TrackLinks:
    video_id = track.video_id if track.video_state in EMBEDDABLE else ""
    return TrackLinks(
        track=track, video_id=video_id, embed_url=videos.embed_url(video_id) if video_id else None,
        open_url=videos.watch_url(video_id) if video_id else videos.search_url(artist=track.artist, name=track.name))


def carousel_context(*, playlist: Playlist | None, songs: Sequence[Recommendation]) -> dict:
    """Template context for templates/music/_recommendations.html."""
    items = [Song(recommendation=song, links=track_links(song.track)) for song in songs]
    return {"playlist": playlist, "songs": items,
            "building": playlist is not None and playlist.status in (Playlist.Status.QUEUED, Playlist.Status.BUILDING),
            "youtube_playlist_url": videos.playlist_url(song.links.video_id for song in items)}


def songs_csv(songs: Sequence[Recommendation]) -> tuple[str, str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["rank", "name", "artist", "album", "year", "mood", "spotify_id", "youtube_url", "reason"])
    for song in songs:
        track = song.track
        writer.writerow([song.rank, track.name, track.artist, track.album, track.year or "", track.mood,
                         track.spotify_id or "", track_links(track).open_url, song.reason])
    return buffer.getvalue(), "text/csv; charset=utf-8"


def songs_m3u(songs: Sequence[Recommendation]) -> tuple[str, str]:
    lines = ["#EXTM3U"]
    for song in songs:
        seconds = round(song.track.duration_ms / 1000) if song.track.duration_ms else -1
        lines += [f"#EXTINF:{seconds},{song.track.artist} - {song.track.name}", track_links(song.track).open_url]
    return "\n".join(lines) + "\n", "audio/x-mpegurl; charset=utf-8"
