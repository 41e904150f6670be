from django.urls import path

from rapport.changes import portal_views
from rapport.core.export import export_paths

app_name = "portal_changes"
urlpatterns = [
    path("", portal_views.change_list, name="list"),
    *export_paths("", portal_views.change_list_export, "export"),
    path("new/", portal_views.change_request_create, name="create"),
    path("<int:number>/", portal_views.change_request_detail, name="detail"),
    path("<int:number>/decide/", portal_views.change_request_decide, name="decide"),
    path("<int:number>/withdraw/", portal_views.change_request_withdraw, name="withdraw"),
]
