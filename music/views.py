"""Pages: a capture's songs (player and list, feedback, strategy, search, exports) and the catalogue search."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts.models import Strategy
from moods.models import MoodCapture
from music import exports, selectors
from music.forms import FeedbackForm, MoodSongsForm, SearchForm, SongsActionForm
from music.models import Recommendation, Track
from music.services import recommendations, search


def _capture(request, capture_id: int) -> MoodCapture:
    return get_object_or_404(MoodCapture, id=capture_id, user=request.user, status=MoodCapture.Status.DONE)


@login_required
@require_GET
def capture_songs(request, capture_id: int):
    capture = _capture(request, capture_id)
    current = _songs_current(capture)
    playlist = current[0]
    return render(request, "music/capture_songs.html", {"capture": capture, "playlist": playlist, "current": current,
                                                        "strategies": Strategy.choices,
                                                        "search_form": SearchForm(initial={"q": playlist.query})})


@never_cache
@login_required
@require_GET
def capture_songs_list(request, capture_id: int):
    """The song list alone, for the capture page's script (and for polling while a new list builds)."""
    capture = _capture(request, capture_id)
    return render(request, "music/_recommendations.html", {"capture": capture, "current": _songs_current(capture)})


def _songs_current(capture: MoodCapture) -> tuple:
    # A done capture has its first list (built with the reading); one made before that may not.
    playlist, songs = selectors.capture_songs_current(capture_id=capture.id)
    if playlist is None:
        playlist = recommendations.capture_playlist_ensure(capture=capture)
        playlist.refresh_from_db()  # built at commit when tasks run in-process
        songs = selectors.playlist_songs(playlist_id=playlist.id)
    return playlist, songs


@login_required
@require_POST
def capture_songs_change(request, capture_id: int):
    capture = _capture(request, capture_id)
    form = SongsActionForm(request.POST)
    if not form.is_valid():
        return redirect("music:capture_songs", capture_id=capture.id)
    if form.cleaned_data["action"] == "retry":
        recommendations.playlist_retry(capture=capture)
        return redirect("music:capture_songs", capture_id=capture.id)
    current = selectors.playlist_current(capture_id=capture.id)
    strategy = form.cleaned_data["strategy"] or (current.strategy if current else capture.strategy)
    seed = Track.objects.filter(id=form.cleaned_data["seed"], active=True).first() if form.cleaned_data["seed"] \
        else None
    recommendations.playlist_create(capture=capture, strategy=strategy, query=form.cleaned_data["q"],
                                    seed_track=seed, fresh=form.cleaned_data["action"] == "new")
    return redirect("music:capture_songs", capture_id=capture.id)


@never_cache
@login_required
@require_GET
def mood_songs(request):
    """A live session's coming songs for the mood it settled on (an HTML list), best first; nothing is saved."""
    form = MoodSongsForm(request.GET)
    if not form.is_valid():
        return JsonResponse({"detail": "Say which of the eight moods, and the playing song's id if any."}, status=400)
    playing = form.cleaned_data["playing"]
    songs = selectors.mood_songs(emotion=form.cleaned_data["emotion"], strategy=request.user.strategy,
                                 user_id=request.user.id, exclude={playing} if playing else set())
    items = [{"links": exports.track_links(track, preference=request.user.player), "reason": reason}
             for track, reason in songs]
    return render(request, "music/_mood_songs.html", {"songs": items})


@login_required
@require_POST
def recommendation_feedback(request, recommendation_id: int):
    form = FeedbackForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors}, status=400)
    try:
        result = recommendations.recommendation_feedback_set(
            recommendation_id=recommendation_id, user_id=request.user.id, feedback=form.cleaned_data["feedback"])
    except Recommendation.DoesNotExist:
        raise Http404("no such song on your lists") from None
    except recommendations.SongLeftTheList as error:
        return JsonResponse({"detail": str(error)}, status=409)
    song, replacement = result.song, result.replacement
    if request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse({"id": song.id, "feedback": song.feedback,
                             "replacement": _song_html(request, replacement) if replacement else None})
    return redirect(f"{_songs_url(song.capture_id)}#song-{(replacement or song).id}")


def _song_html(request, song: Recommendation) -> str:
    links = exports.track_links(song.track, preference=request.user.player)
    return render_to_string("music/_song.html", {"song": exports.Song(song, links), "capture": song.capture},
                            request=request)


def _songs_url(capture_id: int) -> str:
    return reverse("music:capture_songs", kwargs={"capture_id": capture_id})


@login_required
@require_GET
def capture_songs_export(request, capture_id: int, kind: str):
    capture = _capture(request, capture_id)
    _, songs = selectors.capture_songs_current(capture_id=capture.id)
    body, content_type = exports.songs_csv(songs) if kind == "csv" else exports.songs_m3u(songs)
    response = HttpResponse(body, content_type=content_type)
    name = f"cloudscendo-{capture.id}-{capture.emotion.lower()}.{kind}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_GET
def track_search(request):
    form = SearchForm(request.GET)
    tracks = []
    if form.is_valid() and (form.cleaned_data["q"] or form.cleaned_data["mood"]):
        tracks = search.tracks_find(text=form.cleaned_data["q"], mood=form.cleaned_data["mood"])
    results = [exports.track_links(track) for track in tracks]
    return render(request, "music/search.html", {"form": form, "results": results,
                                                 "searched": bool(form.data.get("q") or form.data.get("mood"))})
