from django.urls import path

from rapport.notify import views

app_name = "outbox"
urlpatterns = [
    path("", views.outbox_list, name="list"),
    path("<int:email_id>/", views.outbox_detail, name="detail"),
]
