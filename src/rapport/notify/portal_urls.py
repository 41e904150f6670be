from django.urls import path

from rapport.notify import views

app_name = "portal_notifications"
urlpatterns = [
    path("", views.portal_notifications_list, name="list"),
    path("<int:notification_id>/", views.portal_notification_open, name="open"),
    path("<int:notification_id>/read/", views.portal_notification_read, name="read"),
    path("read/", views.portal_notifications_read_all, name="read_all"),
    path("preferences/", views.portal_preferences, name="preferences"),
]
