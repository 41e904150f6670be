from django.urls import path

from rapport.core.export import export_paths
from rapport.projects import actuals_views, baseline_views, views

app_name = "projects"
urlpatterns = [
    path("", views.project_list, name="list"),
    *export_paths("", views.project_export, "export"),
    path("new/", views.project_create, name="create"),
    path("<int:project_id>/", views.project_detail, name="detail"),
    path("<int:project_id>/edit/", views.project_edit, name="edit"),
    path("<int:project_id>/publish/", views.project_publish, name="publish"),
    path("<int:project_id>/members/", views.project_member_add, name="member_add"),
    path(
        "<int:project_id>/members/<int:member_id>/remove/",
        views.project_member_remove,
        name="member_remove",
    ),
    path(
        "<int:project_id>/members/<int:member_id>/financials/",
        views.project_member_financials,
        name="member_financials",
    ),
    # --- baseline ---------------------------------------------------------------------------
    path("<int:project_id>/baseline/", baseline_views.baseline_page, name="baseline"),
    path(
        "<int:project_id>/baseline/submit/", baseline_views.baseline_submit, name="baseline_submit"
    ),
    path("<int:project_id>/baseline/rebaseline/", baseline_views.rebaseline, name="rebaseline"),
    path("<int:project_id>/baseline/smart/", baseline_views.smart_check, name="smart_check"),
    path("<int:project_id>/baseline/compare/", baseline_views.version_compare, name="compare"),
    path(
        "<int:project_id>/baseline/versions/<int:version_id>/",
        baseline_views.version_detail,
        name="version",
    ),
    path(
        "<int:project_id>/baseline/versions/<int:version_id>/withdraw/",
        baseline_views.baseline_withdraw,
        name="baseline_withdraw",
    ),
    path(
        "<int:project_id>/baseline/deliverables/<int:deliverable_id>/submit/",
        baseline_views.deliverable_submit,
        name="deliverable_submit",
    ),
    path(
        "<int:project_id>/baseline/<str:kind>/new/", baseline_views.item_create, name="item_create"
    ),
    path(
        "<int:project_id>/baseline/<str:kind>/<int:item_id>/edit/",
        baseline_views.item_edit,
        name="item_edit",
    ),
    path(
        "<int:project_id>/baseline/<str:kind>/<int:item_id>/delete/",
        baseline_views.item_delete,
        name="item_delete",
    ),
    # --- actuals ----------------------------------------------------------------------------
    path("<int:project_id>/actuals/", actuals_views.actuals, name="actuals"),
    *export_paths(
        "<int:project_id>/actuals/costs/", actuals_views.cost_entries_export, "costs_export"
    ),
    *export_paths(
        "<int:project_id>/actuals/hours/", actuals_views.time_entries_export, "hours_export"
    ),
    path(
        "<int:project_id>/actuals/<str:kind>/new/",
        actuals_views.actual_create,
        name="actual_create",
    ),
    path(
        "<int:project_id>/actuals/<str:kind>/<int:entry_id>/delete/",
        actuals_views.actual_delete,
        name="actual_delete",
    ),
]
