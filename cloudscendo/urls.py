from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

from accounts.views import AdminPasswordChangeView
from cloudscendo.health import livez, readyz
from moods.views import home

urlpatterns = [
    path("", home, name="home"),
    path("privacy/", TemplateView.as_view(template_name="privacy.html"), name="privacy"),
    path("accounts/", include("accounts.urls")),
    path("", include("music.urls")),
    # Before the admin's own: its password change must check the old password under the log-in lock-out.
    path("admin/password_change/", admin.site.admin_view(AdminPasswordChangeView.as_view()),
         name="admin_password_change"),
    path("admin/", admin.site.urls),
    path("livez", livez, name="livez"),
    path("readyz", readyz, name="readyz"),
    path("healthz", readyz, name="healthz"),  # the name monitors used before /readyz: an alias
    path("", include("moods.urls")),
    # Issue 5: the mood history dashboard and the REST API.
    path("history/", include("moods.history.urls")),
    path("api/", include("cloudscendo.api_urls")),
]
