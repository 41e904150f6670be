from django.urls import path

from rapport.feedback import settings_views as views

app_name = "feedback_settings"
urlpatterns = [
    path("", views.feedback_settings, name="edit"),
    path("templates/", views.template_list, name="templates"),
    path("templates/new/", views.template_create, name="template_create"),
    path("templates/<int:template_id>/", views.template_edit, name="template_edit"),
    path(
        "templates/<int:template_id>/duplicate/",
        views.template_duplicate,
        name="template_duplicate",
    ),
    path("templates/<int:template_id>/delete/", views.template_delete, name="template_delete"),
]
