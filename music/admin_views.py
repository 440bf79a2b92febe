"""Admin pages beyond the model forms: upload a CSV to import, preview the songs a listener would get."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from accounts.models import Strategy
from music.affect import EMOTION_TARGETS
from music.import_form import ImportUploadForm
from music.models import Track
from music.selectors import ListRequest, recommendations_compute
from music.services.imports_job import import_job_create


class PreviewForm(forms.Form):
    emotion = forms.ChoiceField(choices=[(name, name.lower()) for name in EMOTION_TARGETS], initial="CALM")
    strategy = forms.ChoiceField(choices=Strategy.choices, initial=Strategy.MATCH)
    username = forms.CharField(required=False, help_text="As this listener would get it (history, likes); "
                                                         "empty: a new listener.")

    def clean_username(self) -> int | None:
        name = self.cleaned_data["username"].strip()
        if not name:
            return None
        user_id = get_user_model().objects.filter(username=name).values_list("id", flat=True).first()
        if user_id is None:
            raise forms.ValidationError("No such user.")
        return user_id


def import_upload(request, model_admin):
    """The ImportJob "add" page: store the file, queue the import, show the job's progress page."""
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = import_job_create(upload=form.cleaned_data["upload"], format=form.cleaned_data["format"],
                                mapping=form.cleaned_data["mapping"], user_id=request.user.id)
        messages.success(request, f"Importing {job.original_name}: this page shows its progress.")
        return redirect("admin:music_importjob_change", job.id)
    context = {**model_admin.admin_site.each_context(request), "opts": model_admin.model._meta, "form": form,
               "title": "Import tracks from a CSV"}
    return TemplateResponse(request, "admin/music/import_upload.html", context)


def recommendations_preview(request):
    """Staff only (admin_view): the ranked songs for any emotion and strategy, as a listener would get them."""
    if not request.user.has_perm("music.view_track"):
        raise PermissionDenied
    form = PreviewForm(request.GET or None)
    rows = []
    if form.is_valid():
        picks = recommendations_compute(ListRequest(emotion=form.cleaned_data["emotion"],
                                                    strategy=form.cleaned_data["strategy"],
                                                    user_id=form.cleaned_data["username"]))
        tracks = Track.objects.in_bulk([pick.candidate.id for pick in picks])
        rows = [(rank, tracks[pick.candidate.id], pick) for rank, pick in enumerate(picks, start=1)]
    context = {"form": form, "rows": rows, "title": "Preview recommendations", "opts": Track._meta,
               "has_view_permission": True}
    return TemplateResponse(request, "admin/music/preview.html", {**admin.site.each_context(request), **context})
