from django.urls import path

from rapport.risks import views

app_name = "risks"
risks = "projects/<int:project_id>/risks/"
issues = "projects/<int:project_id>/issues/"
urlpatterns = [
    path(risks, views.register, name="register"),
    path(f"{risks}new/", views.risk_create, name="risk_create"),
    path(f"{risks}<int:number>/", views.risk_detail, name="risk_detail"),
    path(f"{risks}<int:number>/edit/", views.risk_edit, name="risk_edit"),
    path(f"{risks}<int:number>/occurred/", views.risk_occurred, name="risk_occurred"),
    path(issues, views.issue_log, name="issue_log"),
    path(f"{issues}new/", views.issue_create, name="issue_create"),
    path(f"{issues}<int:number>/", views.issue_detail, name="issue_detail"),
    path(f"{issues}<int:number>/edit/", views.issue_edit, name="issue_edit"),
    path(f"{issues}<int:number>/share/", views.issue_share, name="issue_share"),
    path(f"{issues}<int:number>/resolve/", views.issue_resolve, name="issue_resolve"),
]
