from django.urls import path

from rapport.communication import views
from rapport.core.export import export_paths

app_name = "communication"
project = "projects/<int:project_id>/communication/"
urlpatterns = [
    path(project, views.overview, name="overview"),
    *export_paths(f"{project}stakeholders/", views.stakeholders_export, "stakeholders_export"),
    *export_paths(f"{project}plan/", views.plan_export, "plan_export"),
    path(f"{project}stakeholders/new/", views.stakeholder_add, name="stakeholder_add"),
    path(
        f"{project}stakeholders/<int:stakeholder_id>/edit/",
        views.stakeholder_edit,
        name="stakeholder_edit",
    ),
    path(
        f"{project}stakeholders/<int:stakeholder_id>/remove/",
        views.stakeholder_remove,
        name="stakeholder_remove",
    ),
    path(f"{project}plan/new/", views.plan_add, name="plan_add"),
    path(f"{project}plan/<int:item_id>/edit/", views.plan_edit, name="plan_edit"),
    path(f"{project}plan/<int:item_id>/delete/", views.plan_delete, name="plan_delete"),
    path(f"{project}touchpoints/", views.project_log, name="log"),
    *export_paths(f"{project}touchpoints/", views.project_log_export, "log_export"),
    path("clients/<int:client_id>/touchpoints/", views.client_log, name="client_log"),
    *export_paths(
        "clients/<int:client_id>/touchpoints/", views.client_log_export, "client_log_export"
    ),
    path(
        "touchpoints/<int:interaction_id>/delete/",
        views.interaction_delete,
        name="interaction_delete",
    ),
    path("communication/advice/", views.advice, name="advice"),
]
