from django.urls import path

from rapport.lessons import views

app_name = "lessons"
urlpatterns = [path("", views.library, name="library")]
