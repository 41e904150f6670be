from django.urls import path

from rapport.core.export import export_paths
from rapport.webhooks import views

app_name = "webhooks"
urlpatterns = [
    path("", views.subscription_list, name="list"),
    *export_paths("", views.subscription_list_export, "export"),
    path("new/", views.subscription_create, name="create"),
    path("<int:subscription_id>/", views.subscription_detail, name="detail"),
    *export_paths(
        "<int:subscription_id>/deliveries/", views.delivery_list_export, "deliveries_export"
    ),
    path("<int:subscription_id>/edit/", views.subscription_edit, name="edit"),
    path("<int:subscription_id>/delete/", views.subscription_delete, name="delete"),
    path("<int:subscription_id>/pause/", views.subscription_pause, name="pause"),
    path("<int:subscription_id>/resume/", views.subscription_resume, name="resume"),
    path("<int:subscription_id>/rotate-secret/", views.subscription_rotate, name="rotate"),
    path("deliveries/<int:delivery_id>/", views.delivery_detail, name="delivery"),
    path("deliveries/<int:delivery_id>/replay/", views.delivery_replay, name="replay"),
]
