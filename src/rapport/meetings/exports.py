"""The columns of the meetings list and of the action items lists, as exported."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from rapport.core.export import Column
from rapport.meetings.models import ActionItem, Meeting


def _person(person: object | None) -> str:
    return str(person) if person else ""


MEETING_COLUMNS: list[Column[Meeting]] = [
    Column(_("Reference"), lambda meeting: meeting.reference),
    Column(_("Title"), lambda meeting: meeting.title),
    Column(_("Type"), lambda meeting: meeting.get_kind_display()),
    Column(_("Start"), lambda meeting: meeting.start),
    Column(_("End"), lambda meeting: meeting.end),
    Column(_("Place"), lambda meeting: meeting.place),
    Column(_("State"), lambda meeting: meeting.get_state_display()),
    Column(_("Agenda items"), lambda meeting: meeting.agenda_count),  # type: ignore[attr-defined]
    Column(_("Minutes versions"), lambda meeting: meeting.versions),  # type: ignore[attr-defined]
]

PORTAL_ACTION_ITEM_COLUMNS: list[Column[ActionItem]] = [
    Column(_("Project"), lambda item: item.project.name),
    Column(_("What"), lambda item: item.what),
    Column(_("Due date"), lambda item: item.due_date),
    Column(_("Status"), lambda item: item.get_status_display()),
    Column(_("Closed on"), lambda item: item.closed_at),
    Column(_("Closing note"), lambda item: item.closed_note),
]

ACTION_ITEM_COLUMNS: list[Column[ActionItem]] = [
    *PORTAL_ACTION_ITEM_COLUMNS[:2],
    Column(_("Owner"), lambda item: _person(item.owner)),
    PORTAL_ACTION_ITEM_COLUMNS[2],
    Column(_("Meeting"), lambda item: item.meeting.reference if item.meeting else ""),
    *PORTAL_ACTION_ITEM_COLUMNS[3:],
]
