from django.urls import path

from rapport.core.export import export_paths
from rapport.reports import portal_views, thread_portal_views

app_name = "portal_reports"
urlpatterns = [
    path("", portal_views.report_list, name="list"),
    *export_paths("", portal_views.report_list_export, "export"),
    path("<int:number>/", portal_views.report_detail, name="detail"),
    path("<int:number>/pdf/", portal_views.report_pdf, name="pdf"),
    path("<int:number>/acknowledge/", portal_views.report_acknowledge, name="acknowledge"),
    path("<int:number>/questions/new/", thread_portal_views.report_thread_open, name="thread_open"),
    path(
        "<int:number>/questions/<int:thread_id>/",
        thread_portal_views.report_thread_follow_up,
        name="thread_follow_up",
    ),
]
