"""Capture pages: parse the request, call a service or selector, render HTML or JSON."""

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cloudscendo.security import allows_webassembly
from moods import device, selectors, services, uploads
from moods.forms import DirectUploadForm, MoodForm, PhotoForm, upload_rules
from moods.history.selectors import week_in_a_line
from moods.models import Emotion
from moods.photos import PhotoRejected
from moods.stored import photo_showable, s3_location
from moods.throttling import capture_rate_hit
from music import selectors as music_selectors


def _wants_json(request) -> bool:
    # The page script asks for JSON; a plain form post (no JavaScript) gets HTML and redirects.
    return "application/json" in request.headers.get("Accept", "")


def _page(request, form: PhotoForm, *, status: int = 200):
    context = {"form": form, "emotions": Emotion.choices, "first_capture": not request.user.captures.exists(),
               "upload_rules": upload_rules(), "device_reading": _device_reading_setup(),
               "emotion_labels": dict(Emotion.choices), "direct_upload": settings.STORAGE_BACKEND == "s3"}
    return render(request, "moods/capture.html", context, status=status)


def _created(request, capture):
    if not _wants_json(request):
        return redirect("capture_detail", capture_id=capture.id)
    body = {**selectors.capture_status(capture=capture),
            "status_url": reverse("capture_status", args=[capture.id]),
            "detail_url": reverse("capture_detail", args=[capture.id])}
    return JsonResponse(body, status=202 if body["pending"] else 201)


def _unavailable(request, form: PhotoForm, message: str):
    # 503: the photo store is down, nothing was saved, the same request may succeed later.
    if _wants_json(request):
        return JsonResponse({"detail": message}, status=503)
    form.add_error(None, message)
    return _page(request, form, status=503)


def _rejected(request, form: PhotoForm):
    if _wants_json(request):
        detail = next(iter(form.errors.values()))[0] if form.errors else "The request is not valid."
        return JsonResponse({"detail": detail}, status=400)
    return _page(request, form, status=400)


TOO_MANY = "You have sent a lot of photos and moods in the last minute: wait a minute, then try again."


def _over_capture_rate(request) -> bool:
    return not capture_rate_hit(user_id=request.user.pk)  # the API's counter too


def _throttled(request, form: PhotoForm):
    if _wants_json(request):
        return JsonResponse({"detail": TOO_MANY}, status=429)
    form.add_error(None, TOO_MANY)
    return _page(request, form, status=429)


@login_required
@require_http_methods(["GET", "POST"])
@allows_webassembly
def capture_page(request):
    if request.method == "GET":
        return _page(request, PhotoForm())
    form = PhotoForm(request.POST, request.FILES)
    if _over_capture_rate(request):  # before the photo is read or decoded
        return _throttled(request, form)
    if form.is_valid():
        try:
            capture = services.capture_create_from_photo(
                user=request.user, photo=form.cleaned_data["photo"].read(),
                source=form.cleaned_data["source"], group=form.cleaned_data["group"])
        except PhotoRejected as error:
            form.add_error("photo", str(error))
        except services.StorageUnavailable as error:
            return _unavailable(request, form, str(error))
        else:
            return _created(request, capture)
    return _rejected(request, form)


@login_required
@require_POST
def capture_upload_start(request):
    """With S3, the page's script asks here for a presigned POST, then sends the photo straight to the bucket."""
    if settings.STORAGE_BACKEND != "s3":
        raise Http404("Photos are sent to this site, not to a bucket.")
    if _over_capture_rate(request):  # counted like the form's upload: a signed POST is a capture started
        return _throttled(request, PhotoForm())
    form = DirectUploadForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"detail": next(iter(form.errors.values()))[0]}, status=400)
    try:
        capture, post = uploads.capture_upload_start(user=request.user, source=form.cleaned_data["source"],
                                                     group=form.cleaned_data["group"])
    except services.StorageUnavailable as error:
        return JsonResponse({"detail": str(error)}, status=503)
    return JsonResponse({"upload": post, "refused": uploads.refused_message(),
                         "confirm_url": reverse("capture_upload_confirm", args=[capture.id])}, status=201)


@login_required
@require_POST
def capture_upload_confirm(request, capture_id: int):
    """The photo is in the bucket (the page says so): check it and queue its analysis."""
    capture = selectors.capture_get(user=request.user, capture_id=capture_id)
    try:
        capture = uploads.capture_upload_confirm(capture=capture)
    except uploads.UploadMissing as error:
        return JsonResponse({"detail": str(error)}, status=409)
    except services.StorageUnavailable as error:
        return JsonResponse({"detail": str(error)}, status=503)
    return _created(request, capture)


@login_required
@require_POST
def capture_mood(request):
    if _over_capture_rate(request):
        return _throttled(request, PhotoForm())
    form = MoodForm(request.POST)
    if not form.is_valid():
        if _wants_json(request):
            return JsonResponse({"detail": "Pick one of the eight moods."}, status=400)
        messages.error(request, "Pick one of the eight moods.")
        return redirect("capture")
    capture = services.capture_create_manual(user=request.user, emotion=form.cleaned_data["emotion"])
    return _created(request, capture)


def _device_reading_setup() -> dict | None:
    """What the page's on-device reader needs (None without npm's face-api: the page then offers no such button)."""
    if not settings.FACEAPI_BROWSER_AVAILABLE:
        return None
    return {"model": device.DEVICE_MODELS[0], "emotions": list(device.EMOTIONS),
            "script_url": static("vendor/face-api/face-api.js"),
            # face-api fetches each net's manifest, then the .bin it names, from this folder: unhashed names,
            # which collectstatic keeps beside the hashed copies.
            "model_url": f"{settings.STATIC_URL}vendor/face-api-model/",
            "wasm_url": f"{settings.STATIC_URL}vendor/tfjs-wasm/",
            "device_url": reverse("capture_device"), "live_url": reverse("capture_live"),
            "songs_url": reverse("music:mood_songs")}


@login_required
@require_POST
def capture_device(request, live: bool = False):
    """A reading made in the browser (scores and boxes only, as JSON): saved at once, its songs queued."""
    if _over_capture_rate(request):  # one counter for every way of making a capture
        return JsonResponse({"detail": TOO_MANY}, status=429)
    try:
        body = json.loads(request.body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return JsonResponse({"detail": "Send the reading as JSON."}, status=400)
    try:
        reading = device.device_reading_parse(body, live=live)
    except device.DeviceReadingRejected as error:
        return JsonResponse({"detail": str(error)}, status=400)
    capture = services.capture_create_from_device(user=request.user, reading=reading)
    return JsonResponse({**selectors.capture_status(capture=capture),
                         "detail_url": reverse("capture_detail", args=[capture.id])}, status=201)


@login_required
@require_GET
def capture_detail(request, capture_id: int):
    """The one page of a capture: its status while analysed, then its reading, scores and songs."""
    capture = selectors.capture_get(user=request.user, capture_id=capture_id)
    context = {"capture": capture, "status": selectors.capture_status(capture=capture),
               "scores": selectors.capture_scores(capture=capture),
               "timeline": selectors.capture_timeline(capture=capture),
               "songs": music_selectors.capture_songs_current(capture_id=capture.id)[1],
               "chartjs": settings.CHARTJS_AVAILABLE, "emotion_labels": dict(Emotion.choices)}
    return render(request, "moods/detail.html", context)


def _wait_seconds(text: str) -> float | None:
    try:
        wait = float(text)
    except ValueError:
        return None
    return min(wait, settings.CAPTURE_STATUS_MAX_WAIT) if wait >= 0 else None  # nan >= 0 is False too


@never_cache
@login_required
@require_GET
def capture_status(request, capture_id: int):
    """The capture's status JSON; with ?wait=<seconds>, held while it is pending, up to CAPTURE_STATUS_MAX_WAIT."""
    wait = _wait_seconds(request.GET.get("wait", "0"))
    if wait is None:
        return JsonResponse({"detail": "wait is a number of seconds, 0 or more."}, status=400)
    capture = selectors.capture_get_ended(user=request.user, capture_id=capture_id, wait=wait)
    return JsonResponse(selectors.capture_status(capture=capture))


@never_cache
@login_required
@require_GET
def capture_photo(request, capture_id: int):
    capture = selectors.capture_get(user=request.user, capture_id=capture_id)
    if not photo_showable(capture.image.name):
        raise Http404("This photo was not kept, or is not checked yet.")
    if s3_location(capture.image.name):
        return redirect(default_storage.url(capture.image.name))  # presigned, short-lived
    return FileResponse(capture.image.open("rb"), content_type="image/jpeg")


@login_required
@require_http_methods(["GET", "POST"])
def capture_delete(request, capture_id: int):
    """GET asks first; POST deletes the capture and its photo, then shows the history."""
    capture = selectors.capture_get(user=request.user, capture_id=capture_id)
    if request.method == "GET":
        return render(request, "history/confirm_delete.html", {"capture": capture})
    services.capture_delete(capture=capture)
    messages.success(request, "The capture and its photo are deleted.")
    return redirect("history:dashboard")


@login_required
@require_POST
def capture_correct(request, capture_id: int):
    """One tap on an uncertain reading: "I look calm, not sad"; the songs follow the correction."""
    capture = selectors.capture_get(user=request.user, capture_id=capture_id)
    try:
        capture = services.capture_correct(capture=capture, emotion=request.POST.get("emotion", ""))
    except services.CorrectionRefused as error:
        if _wants_json(request):
            return JsonResponse({"detail": str(error)}, status=400)
        messages.error(request, str(error))
        return redirect("capture_detail", capture_id=capture.id)
    if _wants_json(request):
        return JsonResponse(selectors.capture_status(capture=capture))
    return redirect("capture_detail", capture_id=capture.id)


@require_GET
def home(request):
    """The landing page; signed in, also the last reading with its songs and the week in one line."""
    context = {}
    if request.user.is_authenticated:
        last = selectors.capture_latest_read(user=request.user)
        context = {"last": last, "last_has_songs": bool(last and music_selectors.playlist_current(capture_id=last.id)),
                   "week": week_in_a_line(user=request.user, today=timezone.localdate())}
    return render(request, "home.html", context)
