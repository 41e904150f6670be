from django.urls import path

from rapport.core.export import export_paths
from rapport.notify import views

app_name = "outbox"
urlpatterns = [
    path("", views.outbox_list, name="list"),
    *export_paths("", views.outbox_export, "export"),
    path("<int:email_id>/", views.outbox_detail, name="detail"),
]
