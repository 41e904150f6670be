from django.urls import path

from rapport.clients import views

app_name = "client_health_settings"
urlpatterns = [path("", views.health_settings, name="weights")]
