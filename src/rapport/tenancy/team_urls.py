from django.urls import path

from rapport.core.export import export_paths
from rapport.tenancy import two_factor_views, views

app_name = "team"
urlpatterns = [
    path("", views.team, name="list"),
    *export_paths("", views.team_export, "export"),
    path("organisation/", views.organisation_settings, name="organisation"),
    path(
        "organisation/report-settings/reset/",
        views.organisation_report_settings_reset,
        name="organisation_report_settings_reset",
    ),
    path(
        "organisation/two-factor/",
        two_factor_views.organisation_require,
        name="organisation_two_factor",
    ),
    path("<int:membership_id>/role/", views.member_role, name="role"),
    path("<int:membership_id>/remove/", views.member_remove, name="remove"),
    path(
        "invitations/<int:invitation_id>/revoke/", views.invitation_revoke, name="invitation_revoke"
    ),
    path("organisations/<int:organisation_id>/switch/", views.organisation_switch, name="switch"),
]
