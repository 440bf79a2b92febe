"""Every REST endpoint under /api/, with the OpenAPI schema and our page that documents it."""

from django.http import JsonResponse
from django.urls import path, re_path
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import SpectacularAPIView

from accounts import api as accounts_api
from cloudscendo.api_docs import api_docs
from moods.api import views as moods_api
from moods.history import api as history_api
from music import api as music_api


@csrf_exempt  # it changes nothing; a DELETE to a bad path must get this 404, not the CSRF page
def api_not_found(request, *args, **kwargs) -> JsonResponse:
    """Any other path under /api/ (e.g. a non-numeric id) answers in the API's error shape, not an HTML page."""
    return JsonResponse({"detail": "Not found.", "code": "not_found"}, status=404)


urlpatterns = [
    path("auth/register/", accounts_api.RegisterView.as_view(), name="api-register"),
    path("auth/token/", accounts_api.TokenView.as_view(), name="api-token"),
    path("auth/tokens/", accounts_api.TokenListView.as_view(), name="api-tokens"),
    path("auth/tokens/<int:token_id>/", accounts_api.TokenDetailView.as_view(), name="api-token-detail"),
    path("auth/logout/", accounts_api.LogoutView.as_view(), name="api-logout"),
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
    # Our own page: Swagger UI's markup failed axe (contrast, nested controls, no lang) and needed inline styles.
    path("docs/", api_docs, name="api-docs"),
    re_path(r"", api_not_found, name="api-not-found"),
]
