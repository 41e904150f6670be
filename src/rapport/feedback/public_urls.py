from django.urls import path

from rapport.feedback import views

app_name = "feedback_public"
urlpatterns = [path("<str:token>/", views.answer, name="answer")]
