from django.urls import path

from rapport.changes import views
from rapport.core.export import export_paths

app_name = "changes"
urlpatterns = [
    path("", views.change_log, name="list"),
    *export_paths("", views.change_log_export, "export"),
    path("new/", views.change_request_create, name="create"),
    path("<int:number>/", views.change_request_detail, name="detail"),
    path("<int:number>/evaluate/", views.change_request_evaluate, name="evaluate"),
    path("<int:number>/<slug:action>/", views.change_request_action, name="action"),
]
