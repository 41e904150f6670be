from django.urls import path

from rapport.core.export import export_paths
from rapport.notify import views

app_name = "notifications"
urlpatterns = [
    path("", views.notifications_list, name="list"),
    *export_paths("", views.notifications_export, "export"),
    path("<int:notification_id>/", views.notification_open, name="open"),
    path("<int:notification_id>/read/", views.notification_read, name="read"),
    path("read/", views.notifications_read_all, name="read_all"),
    path("preferences/", views.preferences, name="preferences"),
]
