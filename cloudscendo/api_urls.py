"""Every REST endpoint under /api/, with the OpenAPI schema and its offline Swagger UI."""

from django.conf import settings
from django.http import JsonResponse
from django.urls import path, re_path
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts import api as accounts_api
from moods.api import views as moods_api
from moods.history import api as history_api
from music import api as music_api


class SwaggerView(SpectacularSwaggerSplitView):
    """Swagger UI from our own static files (no inline script); its page has one inline <style> block."""

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if "script" not in request.GET:
            # Relaxed for this page only: Swagger UI's template carries an inline <style>.
            response["Content-Security-Policy"] = settings.CONTENT_SECURITY_POLICY.replace(
                "style-src 'self'", "style-src 'self' 'unsafe-inline'")
        return response


@csrf_exempt  # it changes nothing; a DELETE to a bad path must get this 404, not the CSRF page
def api_not_found(request, *args, **kwargs) -> JsonResponse:
    """Any other path under /api/ (e.g. a non-numeric id) answers in the API's error shape, not an HTML page."""
    return JsonResponse({"detail": "Not found.", "code": "not_found"}, status=404)


urlpatterns = [
    path("auth/register/", accounts_api.RegisterView.as_view(), name="api-register"),
    path("auth/token/", accounts_api.TokenView.as_view(), name="api-token"),
    path("me/", accounts_api.MeView.as_view(), name="api-me"),
    path("captures/", moods_api.CaptureListView.as_view(), name="api-captures"),
    path("captures/device/", moods_api.DeviceReadingView.as_view(), name="api-captures-device"),
    path("captures/live/", moods_api.LiveSessionView.as_view(), name="api-captures-live"),
    path("captures/<int:capture_id>/", moods_api.CaptureDetailView.as_view(), name="api-capture"),
    path("captures/<int:capture_id>/recommendations/", music_api.CaptureRecommendationsView.as_view(),
         name="api-capture-recommendations"),
    path("recommendations/<int:recommendation_id>/feedback/", music_api.FeedbackView.as_view(), name="api-feedback"),
    path("history/summary/", history_api.SummaryView.as_view(), name="api-history-summary"),
    path("tracks/", music_api.TrackSearchView.as_view(), name="api-tracks"),
    path("photos/<str:token>/", moods_api.capture_photo_signed, name="api-photo"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    re_path(r"", api_not_found, name="api-not-found"),
]
