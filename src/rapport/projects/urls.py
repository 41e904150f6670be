from django.urls import path

from rapport.projects import views

app_name = "projects"
urlpatterns = [
    path("", views.project_list, name="list"),
    path("new/", views.project_create, name="create"),
    path("<int:project_id>/", views.project_detail, name="detail"),
    path("<int:project_id>/edit/", views.project_edit, name="edit"),
    path("<int:project_id>/publish/", views.project_publish, name="publish"),
    path("<int:project_id>/members/", views.project_member_add, name="member_add"),
    path(
        "<int:project_id>/members/<int:member_id>/remove/",
        views.project_member_remove,
        name="member_remove",
    ),
]
