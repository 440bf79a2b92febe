from django.urls import path

from moods import views

urlpatterns = [
    path("capture/", views.capture_page, name="capture"),
    path("capture/mood/", views.capture_mood, name="capture_mood"),
    path("capture/upload/", views.capture_upload_start, name="capture_upload"),
    path("capture/device/", views.capture_device, name="capture_device"),
    path("capture/live/", views.capture_device, {"live": True}, name="capture_live"),
    path("captures/<int:capture_id>/", views.capture_detail, name="capture_detail"),
    path("captures/<int:capture_id>/status", views.capture_status, name="capture_status"),
    path("captures/<int:capture_id>/uploaded", views.capture_upload_confirm, name="capture_upload_confirm"),
    path("captures/<int:capture_id>/photo", views.capture_photo, name="capture_photo"),
    path("captures/<int:capture_id>/delete/", views.capture_delete, name="capture_delete"),
    path("captures/<int:capture_id>/correction/", views.capture_correct, name="capture_correct"),
]
