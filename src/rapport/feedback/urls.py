from django.urls import path

from rapport.core.export import export_paths
from rapport.feedback import analysis_views, followup_views, schedule_views, views

app_name = "feedback"
base = "projects/<int:project_id>/feedback/"
urlpatterns = [
    path(base, views.feedback_list, name="list"),
    *export_paths(base, views.feedback_list_export, "export"),
    path(f"{base}new/", views.feedback_create, name="create"),
    path(f"{base}surveys/new/", views.survey_send, name="survey_send"),
    path(f"{base}schedules/", schedule_views.schedules, name="schedules"),
    path(
        f"{base}schedules/<int:schedule_id>/delete/",
        schedule_views.schedule_delete,
        name="schedule_delete",
    ),
    path(
        f"{base}follow-ups/<int:follow_up_id>/handle/",
        followup_views.follow_up_handle,
        name="follow_up_handle",
    ),
    path(f"{base}improvements/", followup_views.improvements, name="improvements"),
    path(f"{base}improvements/new/", followup_views.improvement_create, name="improvement_create"),
    path(
        f"{base}improvements/<int:action_id>/",
        followup_views.improvement_edit,
        name="improvement_edit",
    ),
    path(f"{base}gap/", followup_views.expectation_gap, name="gap"),
    path(f"{base}analysis/", analysis_views.project_analysis, name="analysis"),
    path(
        "clients/<int:client_id>/feedback/analysis/",
        analysis_views.client_analysis,
        name="client_analysis",
    ),
    path("feedback/analysis/", analysis_views.organisation_analysis, name="org_analysis"),
]
