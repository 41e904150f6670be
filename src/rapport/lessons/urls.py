from django.urls import path

from rapport.core.export import export_paths
from rapport.lessons import views

app_name = "lessons"
urlpatterns = [
    path("", views.library, name="library"),
    *export_paths("", views.library_export, "export"),
    path("new/", views.lesson_create, name="create"),
    path("<int:lesson_id>/", views.lesson_detail, name="detail"),
    path("<int:lesson_id>/edit/", views.lesson_edit, name="edit"),
    path("<int:lesson_id>/delete/", views.lesson_delete, name="delete"),
]
