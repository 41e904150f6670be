from django.urls import path

from rapport.core.export import export_paths
from rapport.reports import thread_views, views

app_name = "reports"
urlpatterns = [
    path("", views.report_list, name="list"),
    *export_paths("", views.report_list_export, "export"),
    path("new/", views.report_create, name="create"),
    path("<int:number>/", views.report_detail, name="detail"),
    path("<int:number>/pdf/", views.report_pdf, name="pdf"),
    path("<int:number>/edit/", views.report_edit, name="edit"),
    path("<int:number>/refresh/", views.report_refresh, name="refresh"),
    path("<int:number>/publish/", views.report_publish, name="publish"),
    path("<int:number>/acknowledgements/", views.report_acknowledgements, name="acknowledgements"),
    path(
        "<int:number>/questions/<int:thread_id>/answer/",
        thread_views.report_thread_answer,
        name="thread_answer",
    ),
]
