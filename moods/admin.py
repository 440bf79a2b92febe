from django.contrib import admin
from django.urls import path

from moods import admin_views, services
from moods.models import MoodCapture


class BackendFilter(admin.SimpleListFilter):
    """By backend; Django's own filter shows a blank backend (no analysis yet) as a link with no text."""

    title = "backend"
    parameter_name = "backend"

    def lookups(self, request, model_admin):
        names = MoodCapture.objects.order_by("backend").values_list("backend", flat=True).distinct()
        return [(name or "-", name or "none yet") for name in names]

    def queryset(self, request, queryset):
        value = self.value()
        return queryset if value is None else queryset.filter(backend="" if value == "-" else value)


@admin.register(MoodCapture)
class MoodCaptureAdmin(admin.ModelAdmin):
    list_display = ["id", "user", "source", "status", "emotion", "correction", "confidence", "face_count", "backend",
                    "created_at"]
    list_filter = ["status", "source", "emotion", "correction", BackendFilter, "created_at"]
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
