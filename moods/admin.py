from django.contrib import admin
from django.urls import path

from moods import admin_views, services
from moods.models import MoodCapture


@admin.register(MoodCapture)
class MoodCaptureAdmin(admin.ModelAdmin):
    list_display = ["id", "user", "source", "status", "emotion", "correction", "confidence", "face_count", "backend",
                    "created_at"]
    list_filter = ["status", "source", "emotion", "correction", "backend", "created_at"]
    list_select_related = ["user"]
    search_fields = ["user__username"]
    date_hierarchy = "created_at"
    # Readings are a record of what a backend said: staff look, they do not edit.
    readonly_fields = ["user", "image", "source", "status", "emotion", "confidence", "scores", "face_count", "faces",
                       "group", "backend", "model", "correction", "corrected_at", "error", "strategy", "attempts",
                       "created_at", "started_at", "finished_at"]

    def get_urls(self):
        corrections = self.admin_site.admin_view(admin_views.corrections_page)
        return [path("corrections/", corrections, name="moods_moodcapture_corrections"), *super().get_urls()]

    def has_add_permission(self, request) -> bool:
        return False

    def delete_model(self, request, obj) -> None:
        services.capture_delete(capture=obj)  # the stored photo goes too

    def delete_queryset(self, request, queryset) -> None:
        for capture in queryset:
            services.capture_delete(capture=capture)
