from django.urls import path

from rapport.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("projects/<int:project_id>/", views.project_detail, name="project"),
    path("invitation/<str:token>/", views.invitation, name="invitation"),
]
