from django.urls import path

from rapport.portability import views

app_name = "portability"
urlpatterns = [
    path("", views.exports, name="exports"),
    path("<int:export_id>/download/", views.export_download, name="download"),
]
