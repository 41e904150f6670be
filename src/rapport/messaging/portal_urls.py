from django.urls import path

from rapport.core.export import export_paths
from rapport.messaging import views

app_name = "portal_messages"
urlpatterns = [
    path("", views.portal_thread_list, name="list"),
    *export_paths("", views.portal_thread_list_export, "export"),
    path("new/", views.portal_thread_open, name="open"),
    path("<int:thread_id>/", views.portal_thread_detail, name="thread"),
    path(
        "<int:thread_id>/attachments/<int:attachment_id>/",
        views.portal_attachment_download,
        name="attachment",
    ),
]
