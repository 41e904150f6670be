from django.urls import path

from rapport.notify import views

app_name = "unsubscribe"
urlpatterns = [path("<str:token>/", views.unsubscribe, name="confirm")]
