"""Curation in the admin: fast on a catalogue of a million tracks, every write and task through a service."""

from functools import cached_property

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.paginator import Paginator
from django.urls import path
from django.utils.html import format_html

from music import admin_views
from music.affect import Mood
from music.forms import TrackForm
from music.models import EMBEDDABLE_VIDEO_STATES, ImportJob, Track
from music.services import enqueue
from music.services import tracks as track_services
from music.services.search import track_ids_matching
from music.services.videos import tracks_videos_look_up_again


class CappedCountPaginator(Paginator):
    """Counts at most CAP rows: a COUNT(*) over a million tracks on every page view is what makes an admin slow."""

    CAP = 10_000

    @cached_property
    def count(self) -> int:
        return self.object_list[: self.CAP + 1].count()


class HasVideoFilter(admin.SimpleListFilter):
    title = "video"
    parameter_name = "video"

    def lookups(self, request, model_admin):
        return [("yes", "has a video"), ("no", "no video")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(video_state__in=EMBEDDABLE_VIDEO_STATES)
        if self.value() == "no":
            return queryset.exclude(video_state__in=EMBEDDABLE_VIDEO_STATES)
        return queryset


class DecadeFilter(admin.SimpleListFilter):
    title = "decade"
    parameter_name = "decade"

    def lookups(self, request, model_admin):
        # A fixed list: a DISTINCT over the whole catalogue on every page view would cost more than the page.
        return [(str(decade), f"{decade}s") for decade in range(1950, 2030, 10)]

    def queryset(self, request, queryset):
        return queryset.filter(decade=int(self.value())) if self.value() else queryset


def _mood_action(mood: str, label: str):
    def action(modeladmin, request, queryset):
        changed = track_services.tracks_mood_set(track_ids=queryset.values_list("id", flat=True), mood=mood)
        modeladmin.message_user(request, f"Mood set to {label} on {changed} song(s).", messages.SUCCESS)

    action.__name__ = f"set_mood_{mood}"
    return admin.action(description=f"Set mood: {label}", permissions=["change"])(action)


SOURCE_FIELDS = ("spotify_id", "release_date", "year", "decade", "popularity", "duration_ms", "valence", "energy",
                 "danceability", "acousticness", "instrumentalness", "speechiness", "liveness", "loudness", "tempo",
                 "key", "mode", "indexed_at", "updated_at")


class TrackRowForm(forms.ModelForm):
    """A row of the track list: its editable fields are named after the track, for screen readers."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, words in (("mood", "Mood of"), ("active", "Recommend")):
            self.fields[name].widget.attrs["aria-label"] = f"{words} {self.instance}"


@admin.register(Track)
class TrackAdmin(admin.ModelAdmin):
    form = TrackForm
    list_display = ("name", "artist", "decade", "mood", "mood_source", "active", "has_video", "popularity")
    list_editable = ("mood", "active")
    list_filter = ("mood", "mood_source", HasVideoFilter, "active", DecadeFilter)
    list_select_related = False  # no foreign keys to join: one query per page
    list_per_page = 50
    paginator = CappedCountPaginator
    show_full_result_count = False
    search_fields = ("name",)  # the search itself goes through the full-text index, below
    search_help_text = "Words from the name, artist, album or mood; every word must match."
    ordering = ("id",)
    readonly_fields = (*SOURCE_FIELDS, "mood_source", "video_state", "video_checked_at")
    fieldsets = [
        (None, {"fields": ("name", "artist", "album", "mood", "mood_source", "active", "curator_notes")}),
        ("Video", {"fields": ("video_id", "video_state", "video_checked_at")}),
        ("Source data", {"classes": ("collapse",), "fields": SOURCE_FIELDS}),
    ]
    actions = [*(_mood_action(mood, label) for mood, label in Mood.choices), "activate", "deactivate",
               "resolve_videos", "push_to_kendra"]

    @admin.display(boolean=True, description="video")
    def has_video(self, track: Track) -> bool:
        return track.has_embeddable_video

    def get_changelist_form(self, request, **kwargs):
        return super().get_changelist_form(request, form=TrackRowForm, **kwargs)

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip():
            return queryset, False
        return queryset.filter(id__in=track_ids_matching(text=search_term)), False

    def save_model(self, request, obj, form, change):
        track_services.track_curate(track=obj, changed=form.changed_data if change else {"mood"})

    @admin.action(description="Activate", permissions=["change"])
    def activate(self, request, queryset):
        changed = track_services.tracks_active_set(track_ids=queryset.values_list("id", flat=True), active=True)
        self.message_user(request, f"Activated {changed} song(s).", messages.SUCCESS)

    @admin.action(description="Deactivate (never recommended)", permissions=["change"])
    def deactivate(self, request, queryset):
        changed = track_services.tracks_active_set(track_ids=queryset.values_list("id", flat=True), active=False)
        self.message_user(request, f"Deactivated {changed} song(s).", messages.SUCCESS)

    @admin.action(description="Look up YouTube videos (queued)", permissions=["change"])
    def resolve_videos(self, request, queryset):
        queued = tracks_videos_look_up_again(track_ids=queryset.values_list("id", flat=True))
        if settings.VIDEO_BACKEND == "offline":
            self.message_user(request, "VIDEO_BACKEND=offline: nothing is looked up.", messages.WARNING)
        else:
            self.message_user(request, f"Queued video look-ups for {queued} song(s).", messages.SUCCESS)

    @admin.action(description="Push to Kendra (queued)", permissions=["change"])
    def push_to_kendra(self, request, queryset):
        if not settings.KENDRA_INDEX_ID:
            self.message_user(request, "KENDRA_INDEX_ID is not set: nothing to push to.", messages.WARNING)
            return
        ids = list(queryset.values_list("id", flat=True))
        enqueue.tracks_kendra_push_enqueue(track_ids=ids)
        self.message_user(request, f"Queued {len(ids)} song(s) for Kendra.", messages.SUCCESS)

    def get_urls(self):
        preview = self.admin_site.admin_view(admin_views.recommendations_preview)
        return [path("preview/", preview, name="music_track_preview"), *super().get_urls()]


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ("original_name", "format", "status", "progress_percent", "created_by", "created_at")
    list_select_related = ("created_by",)
    readonly_fields = ("original_name", "format", "mapping_text", "status", "progress_percent", "summary_text",
                       "created_by", "created_at", "finished_at")
    fields = readonly_fields
    change_form_template = "admin/music/importjob/change_form.html"

    @admin.display(description="column mapping")
    def mapping_text(self, job: ImportJob) -> str:
        return ", ".join(f"{column} → {field}" for column, field in job.mapping.items()) or "-"

    @admin.display(description="progress")
    def progress_percent(self, job: ImportJob) -> str:
        return f"{job.progress} %"

    @admin.display(description="summary")
    def summary_text(self, job: ImportJob) -> str:
        return format_html("<pre>{}</pre>", job.message) if job.message else "-"

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # a job is a record; only its task and its sweeper write it

    def add_view(self, request, form_url="", extra_context=None):
        return admin_views.import_upload(request, self)
