from django.urls import path

from rapport.lessons import portal_views

app_name = "portal_lessons"
urlpatterns = [
    path("lessons/", portal_views.lesson_list, name="list"),
    path("projects/<int:project_id>/lessons/", portal_views.lesson_list, name="project"),
]
