from django.urls import path

from rapport.core.export import export_paths
from rapport.meetings import minutes_views, views

app_name = "meetings"
meeting = "projects/<int:project_id>/meetings/<int:number>/"
urlpatterns = [
    path("projects/<int:project_id>/meetings/", views.meeting_list, name="list"),
    *export_paths("projects/<int:project_id>/meetings/", views.meeting_list_export, "export"),
    path("projects/<int:project_id>/meetings/new/", views.meeting_create, name="create"),
    path(meeting, views.meeting_detail, name="detail"),
    path(f"{meeting}edit/", views.meeting_edit, name="edit"),
    path(f"{meeting}cancel/", views.meeting_cancel, name="cancel"),
    path(f"{meeting}send/", views.meeting_send_update, name="send_update"),
    path(f"{meeting}agenda/new/", views.agenda_add, name="agenda_add"),
    path(f"{meeting}agenda/carry/", views.agenda_carry, name="agenda_carry"),
    path(f"{meeting}agenda/<int:item_id>/edit/", views.agenda_edit, name="agenda_edit"),
    path(f"{meeting}agenda/<int:item_id>/delete/", views.agenda_delete, name="agenda_delete"),
    path(f"{meeting}minutes/", minutes_views.minutes_edit, name="minutes"),
    path(f"{meeting}minutes/publish/", minutes_views.minutes_publish, name="minutes_publish"),
    path(f"{meeting}minutes/pdf/", minutes_views.minutes_pdf, name="minutes_pdf"),
    path(f"{meeting}decisions/new/", minutes_views.decision_add, name="decision_add"),
    path(
        f"{meeting}decisions/<int:decision_id>/delete/",
        minutes_views.decision_delete,
        name="decision_delete",
    ),
    path(f"{meeting}action-items/new/", minutes_views.action_item_add, name="action_item_add"),
    path(
        "projects/<int:project_id>/action-items/",
        minutes_views.action_item_list,
        name="action_items",
    ),
    path("action-items/", minutes_views.my_action_items, name="my_action_items"),
    *export_paths("action-items/", minutes_views.my_action_items_export, "my_action_items_export"),
    *export_paths(
        "projects/<int:project_id>/action-items/",
        minutes_views.action_item_list_export,
        "action_items_export",
    ),
    path(
        "action-items/<int:action_item_id>/close/",
        minutes_views.action_item_close,
        name="action_item_close",
    ),
]
