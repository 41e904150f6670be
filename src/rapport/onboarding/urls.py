from django.urls import path

from rapport.onboarding import views

app_name = "onboarding"
urlpatterns = [
    path("hide/", views.hide, name="hide"),
    path("sample/delete/", views.delete_sample, name="delete_sample"),
]
