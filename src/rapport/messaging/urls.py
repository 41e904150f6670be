from django.urls import path

from rapport.messaging import views

app_name = "messages_app"
urlpatterns = [
    path("", views.thread_list, name="list"),
    path("new/", views.thread_open, name="open"),
    path("<int:thread_id>/", views.thread_detail, name="thread"),
    path(
        "<int:thread_id>/attachments/<int:attachment_id>/",
        views.attachment_download,
        name="attachment",
    ),
]
