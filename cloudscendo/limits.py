"""A request body too large for where it goes is refused from its Content-Length, before a byte of it is read.

Django reads a body only when a view (or the CSRF check) asks for request.POST, and
DATA_UPLOAD_MAX_MEMORY_SIZE bounds form fields but not files: without this, a 1 GB upload
was streamed to a temporary file and then read whole into memory by the capture views.
A body without a Content-Length (chunked) is not read by Django at all (WSGI gives it no length).
"""

from django.conf import settings
from django.http import HttpResponse, JsonResponse

# Views that take more than a photo: the admin's catalogue CSV import (staff only, streamed to disk).
LARGE_BODY_VIEWS = frozenset({"admin:music_importjob_add"})


def _limit(request) -> int:
    match = request.resolver_match
    if match is not None and match.view_name in LARGE_BODY_VIEWS:
        return settings.IMPORT_UPLOAD_MAX_BYTES
    return settings.REQUEST_BODY_MAX_BYTES


def _too_large(request, limit: int) -> HttpResponse:
    message = f"The request is larger than {limit / 1024 / 1024:g} MB."
    if request.path_info.startswith("/api/") or "application/json" in request.headers.get("Accept", ""):
        return JsonResponse({"detail": message, "code": "too_large"}, status=413)
    return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")


class RequestBodyLimitMiddleware:
    """Answer 413 to a body longer than the view's limit; listed before anything that reads request.POST."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return HttpResponse("The Content-Length header is not a number.", status=400,
                                content_type="text/plain; charset=utf-8")
        limit = _limit(request)
        return _too_large(request, limit) if length > limit else None
