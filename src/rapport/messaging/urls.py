from django.urls import path

from rapport.core.export import export_paths
from rapport.messaging import views

app_name = "messages_app"
urlpatterns = [
    path("", views.thread_list, name="list"),
    *export_paths("", views.thread_list_export, "export"),
    path("new/", views.thread_open, name="open"),
    path("<int:thread_id>/", views.thread_detail, name="thread"),
    path(
        "<int:thread_id>/attachments/<int:attachment_id>/",
        views.attachment_download,
        name="attachment",
    ),
]
