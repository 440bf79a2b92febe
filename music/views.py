"""Pages: a capture's songs (carousel, feedback, strategy, search, exports) and the catalogue search."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from moods.models import MoodCapture
from music import exports, selectors
from music.forms import FeedbackForm, SearchForm, SongsActionForm
from music.models import Recommendation, Track
from music.services import recommendations, search


def _capture(request, capture_id: int) -> MoodCapture:
    return get_object_or_404(MoodCapture, id=capture_id, user=request.user, status=MoodCapture.Status.DONE)


@login_required
@require_GET
def capture_songs(request, capture_id: int):
    capture = _capture(request, capture_id)
    playlist = recommendations.capture_playlist_ensure(capture=capture)
    playlist.refresh_from_db()  # built at commit when tasks run in-process
    return render(request, "music/capture_songs.html", {"capture": capture, "playlist": playlist,
                                                        "search_form": SearchForm(initial={"q": playlist.query})})


@login_required
@require_POST
def capture_songs_change(request, capture_id: int):
    capture = _capture(request, capture_id)
    form = SongsActionForm(request.POST)
    if not form.is_valid():
        return redirect("music:capture_songs", capture_id=capture.id)
    current = selectors.playlist_current(capture_id=capture.id)
    strategy = form.cleaned_data["strategy"] or (current.strategy if current else capture.strategy)
    seed = Track.objects.filter(id=form.cleaned_data["seed"], active=True).first() if form.cleaned_data["seed"] \
        else None
    recommendations.playlist_create(capture=capture, strategy=strategy, query=form.cleaned_data["q"],
                                    seed_track=seed, fresh=form.cleaned_data["action"] == "new")
    return redirect("music:capture_songs", capture_id=capture.id)


@login_required
@require_POST
def recommendation_feedback(request, recommendation_id: int):
    form = FeedbackForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors}, status=400)
    try:
        song = recommendations.recommendation_feedback_set(
            recommendation_id=recommendation_id, user_id=request.user.id, feedback=form.cleaned_data["feedback"])
    except Recommendation.DoesNotExist:
        raise Http404("no such song on your lists") from None
    if request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse({"id": song.id, "feedback": song.feedback})
    return redirect(f"{_songs_url(song.capture_id)}#song-{song.id}")


def _songs_url(capture_id: int) -> str:
    return reverse("music:capture_songs", kwargs={"capture_id": capture_id})


@login_required
@require_GET
def capture_songs_export(request, capture_id: int, kind: str):
    capture = _capture(request, capture_id)
    playlist = selectors.playlist_current(capture_id=capture.id)
    songs = selectors.playlist_songs(playlist_id=playlist.id) if playlist else []
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
