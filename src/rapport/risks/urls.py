from django.urls import path

from rapport.core.export import export_paths
from rapport.risks import conflict_views, views

app_name = "risks"
risks = "projects/<int:project_id>/risks/"
issues = "projects/<int:project_id>/issues/"
urlpatterns = [
    path(risks, views.register, name="register"),
    *export_paths(risks, views.register_export, "register_export"),
    path(f"{risks}new/", views.risk_create, name="risk_create"),
    path(f"{risks}<int:number>/", views.risk_detail, name="risk_detail"),
    path(f"{risks}<int:number>/edit/", views.risk_edit, name="risk_edit"),
    path(f"{risks}<int:number>/occurred/", views.risk_occurred, name="risk_occurred"),
    path(issues, views.issue_log, name="issue_log"),
    *export_paths(issues, views.issue_log_export, "issue_log_export"),
    path(f"{issues}new/", views.issue_create, name="issue_create"),
    path(f"{issues}<int:number>/", views.issue_detail, name="issue_detail"),
    path(f"{issues}<int:number>/edit/", views.issue_edit, name="issue_edit"),
    path(f"{issues}<int:number>/share/", views.issue_share, name="issue_share"),
    path(f"{issues}<int:number>/resolve/", views.issue_resolve, name="issue_resolve"),
]

urlpatterns += [
    path("conflicts/", conflict_views.conflict_list, name="conflicts"),
    *export_paths("conflicts/", conflict_views.conflict_list_export, "conflicts_export"),
    path(
        "clients/<int:client_id>/conflicts/new/",
        conflict_views.conflict_create,
        name="conflict_create",
    ),
    path("conflicts/<int:conflict_id>/", conflict_views.conflict_detail, name="conflict_detail"),
    path("conflicts/<int:conflict_id>/edit/", conflict_views.conflict_edit, name="conflict_edit"),
    path("conflicts/<int:conflict_id>/steps/", conflict_views.conflict_step, name="conflict_step"),
    path(
        "conflicts/<int:conflict_id>/close/", conflict_views.conflict_close, name="conflict_close"
    ),
    path(
        "conflicts/<int:conflict_id>/evidence/",
        conflict_views.conflict_evidence,
        name="conflict_evidence",
    ),
    path(f"{issues}<int:number>/evidence/", views.issue_evidence, name="issue_evidence"),
]
