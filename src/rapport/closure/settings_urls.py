from django.urls import path

from rapport.closure import views

app_name = "closure_settings"
urlpatterns = [path("", views.checkin_settings, name="checkins")]
