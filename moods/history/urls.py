from django.urls import path

from moods.history import views

app_name = "history"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    # Moved to /captures/<id>/ and /captures/<id>/delete/ (moods/urls.py): old links and forms follow.
    path("captures/<int:capture_id>/", views.capture_moved, {"to": "capture_detail"}, name="capture_moved"),
    path("captures/<int:capture_id>/delete/", views.capture_moved, {"to": "capture_delete"},
         name="capture_delete_moved"),
    path("delete/", views.delete_all, name="delete_all"),
    path("export.csv", views.export, {"kind": "csv"}, name="export_csv"),
    path("export.json", views.export, {"kind": "json"}, name="export_json"),
    path("site/", views.staff, name="staff"),
]
