from django.urls import path

from rapport.notify import views

app_name = "notifications"
urlpatterns = [
    path("", views.notifications_list, name="list"),
    path("<int:notification_id>/", views.notification_open, name="open"),
    path("<int:notification_id>/read/", views.notification_read, name="read"),
    path("read/", views.notifications_read_all, name="read_all"),
    path("preferences/", views.preferences, name="preferences"),
]
