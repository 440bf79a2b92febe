"""Admin pages beyond the capture list: how listeners corrected the model."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse

from moods.models import MoodCapture
from moods.selectors import corrections_confusion


def corrections_page(request):
    """Staff who may view captures (admin_view): per model, its readings against listeners' corrections."""
    if not request.user.has_perm("moods.view_moodcapture"):
        raise PermissionDenied
    context = {"confusions": corrections_confusion(), "title": "The model's readings and listeners' corrections",
               "opts": MoodCapture._meta, "has_view_permission": True}
    return TemplateResponse(request, "admin/moods/corrections.html", {**admin.site.each_context(request), **context})
