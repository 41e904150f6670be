from django.urls import path

from rapport.clients import import_views, views
from rapport.core.export import export_paths

app_name = "clients"
urlpatterns = [
    path("", views.client_list, name="list"),
    *export_paths("", views.client_export, "export"),
    path("new/", views.client_create, name="create"),
    path("import/", import_views.client_import_upload, name="import"),
    path("import/template.csv", import_views.client_import_template, name="import_template"),
    path("import/<int:import_id>/", import_views.client_import_review, name="import_review"),
    path("import/<int:import_id>/run/", import_views.client_import_run, name="import_run"),
    path("<int:client_id>/", views.client_detail, name="detail"),
    path("<int:client_id>/edit/", views.client_edit, name="edit"),
    *export_paths("<int:client_id>/contacts/", views.contact_export, "contact_export"),
    path("<int:client_id>/contacts/new/", views.contact_create, name="contact_create"),
    path("contacts/<int:contact_id>/", views.contact_detail, name="contact_detail"),
    path("contacts/<int:contact_id>/edit/", views.contact_edit, name="contact_edit"),
    path("contacts/<int:contact_id>/invite/", views.contact_invite, name="contact_invite"),
    path("contacts/<int:contact_id>/revoke/", views.contact_revoke, name="contact_revoke"),
]
