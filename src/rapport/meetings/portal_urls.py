from django.urls import path

from rapport.core.export import export_paths
from rapport.meetings import portal_views

app_name = "portal_meetings"
urlpatterns = [
    path("projects/<int:project_id>/meetings/", portal_views.meeting_list, name="list"),
    *export_paths(
        "projects/<int:project_id>/meetings/", portal_views.meeting_list_export, "export"
    ),
    path(
        "projects/<int:project_id>/meetings/<int:number>/",
        portal_views.meeting_detail,
        name="detail",
    ),
    path(
        "projects/<int:project_id>/meetings/<int:number>/minutes/answer/",
        portal_views.minutes_respond,
        name="respond",
    ),
    path(
        "projects/<int:project_id>/meetings/<int:number>/minutes/pdf/",
        portal_views.minutes_pdf,
        name="minutes_pdf",
    ),
    path("action-items/", portal_views.my_action_items, name="action_items"),
    *export_paths("action-items/", portal_views.my_action_items_export, "action_items_export"),
    path(
        "action-items/<int:action_item_id>/close/",
        portal_views.action_item_close,
        name="action_item_close",
    ),
]
