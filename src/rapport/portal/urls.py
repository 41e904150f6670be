from django.urls import path

from rapport.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("projects/<int:project_id>/", views.project_detail, name="project"),
    path("projects/<int:project_id>/baseline/compare/", views.version_compare, name="compare"),
    path(
        "projects/<int:project_id>/baseline/<int:version_id>/",
        views.version_detail,
        name="version",
    ),
    path(
        "projects/<int:project_id>/baseline/<int:version_id>/sign/",
        views.baseline_sign,
        name="baseline_sign",
    ),
    path(
        "projects/<int:project_id>/baseline/<int:version_id>/return/",
        views.baseline_return,
        name="baseline_return",
    ),
    path(
        "projects/<int:project_id>/deliverables/<int:deliverable_id>/decide/",
        views.deliverable_decide,
        name="deliverable_decide",
    ),
    path("tokens/", views.api_tokens, name="api_tokens"),
    path("tokens/<int:token_id>/revoke/", views.api_token_revoke, name="api_token_revoke"),
    path("invitation/<str:token>/", views.invitation, name="invitation"),
]
