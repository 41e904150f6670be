from django.urls import path

from rapport.core.export import export_paths
from rapport.lessons import portal_views

app_name = "portal_lessons"
urlpatterns = [
    path("lessons/", portal_views.lesson_list, name="list"),
    *export_paths("lessons/", portal_views.lesson_list_export, "export"),
    path("projects/<int:project_id>/lessons/", portal_views.lesson_list, name="project"),
    *export_paths(
        "projects/<int:project_id>/lessons/", portal_views.lesson_list_export, "project_export"
    ),
]
