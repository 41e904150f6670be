from django.urls import path

from rapport.reports import portal_views

app_name = "portal_reports"
urlpatterns = [
    path("", portal_views.report_list, name="list"),
    path("<int:number>/", portal_views.report_detail, name="detail"),
    path("<int:number>/pdf/", portal_views.report_pdf, name="pdf"),
    path("<int:number>/acknowledge/", portal_views.report_acknowledge, name="acknowledge"),
]
