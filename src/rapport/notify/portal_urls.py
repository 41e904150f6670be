from django.urls import path

from rapport.core.export import export_paths
from rapport.notify import views

app_name = "portal_notifications"
urlpatterns = [
    path("", views.portal_notifications_list, name="list"),
    *export_paths("", views.portal_notifications_export, "export"),
    path("<int:notification_id>/", views.portal_notification_open, name="open"),
    path("<int:notification_id>/read/", views.portal_notification_read, name="read"),
    path("read/", views.portal_notifications_read_all, name="read_all"),
    path("preferences/", views.portal_preferences, name="preferences"),
]
