from django.urls import path

from music import views

app_name = "music"

urlpatterns = [
    path("captures/<int:capture_id>/songs/", views.capture_songs, name="capture_songs"),
    path("captures/<int:capture_id>/songs/list/", views.capture_songs_list, name="capture_songs_list"),
    path("captures/<int:capture_id>/songs/change/", views.capture_songs_change, name="capture_songs_change"),
    path("captures/<int:capture_id>/songs.csv", views.capture_songs_export, {"kind": "csv"}, name="songs_csv"),
    path("captures/<int:capture_id>/songs.m3u", views.capture_songs_export, {"kind": "m3u"}, name="songs_m3u"),
    path("music/songs/<int:recommendation_id>/feedback/", views.recommendation_feedback, name="feedback"),
    path("music/search/", views.track_search, name="search"),
    path("music/mood-songs/", views.mood_songs, name="mood_songs"),
]
