from django.urls import path

from rapport.audit import views
from rapport.core.export import export_paths

app_name = "audit"
urlpatterns = [
    path("", views.audit_list, name="list"),
    *export_paths("", views.audit_export, "export"),
]
