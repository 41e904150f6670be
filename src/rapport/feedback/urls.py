from django.urls import path

from rapport.feedback import views

app_name = "feedback"
base = "projects/<int:project_id>/feedback/"
urlpatterns = [
    path(base, views.feedback_list, name="list"),
    path(f"{base}new/", views.feedback_create, name="create"),
    path(f"{base}surveys/new/", views.survey_send, name="survey_send"),
]
