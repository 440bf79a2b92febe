from django.urls import path

from moods.history import views

app_name = "history"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("captures/<int:capture_id>/", views.capture_detail, name="capture"),
    path("captures/<int:capture_id>/delete/", views.capture_delete, name="capture_delete"),
    path("delete/", views.delete_all, name="delete_all"),
    path("export.csv", views.export, {"kind": "csv"}, name="export_csv"),
    path("export.json", views.export, {"kind": "json"}, name="export_json"),
    path("site/", views.staff, name="staff"),
]
