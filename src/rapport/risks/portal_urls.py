from django.urls import path

from rapport.core.export import export_paths
from rapport.risks import portal_views

app_name = "portal_risks"
urlpatterns = [
    path("", portal_views.risks_and_issues, name="list"),
    *export_paths("", portal_views.risks_export, "risks_export"),
    *export_paths("issues/", portal_views.issues_export, "issues_export"),
]
