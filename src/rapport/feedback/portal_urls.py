from django.urls import path

from rapport.feedback import views

app_name = "portal_feedback"
urlpatterns = [path("<int:survey_id>/", views.portal_answer, name="answer")]
