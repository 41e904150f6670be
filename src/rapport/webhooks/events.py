"""Every event an organisation can subscribe a webhook to, and the ``data`` each one carries.

The envelope is the same for all: ``{"id", "event", "created_at", "organisation": {"id",
"name"}, "data"}``. ``data`` holds exactly the fields documented here (docs/webhooks.md prints
this table); a field is never removed or renamed, only added, so receivers can rely on it.
``emit`` refuses an event that is not registered here."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Event:
    name: str
    label: str | Promise
    fields: tuple[str, ...]  # the keys of ``data``, always all present

    @property
    def subject(self) -> str:
        """The field naming the object the event is about (the one after the project's):
        events of one object reach a subscription in the order they happened."""
        return self.fields[len(PROJECT)]


PROJECT = ("project_id", "project_code", "project_name", "client_id")

_EVENTS = [
    Event(
        "change_request.submitted",
        _("Change request submitted"),
        (*PROJECT, "change_request_id", "reference", "title", "submitted_by"),
    ),
    Event(
        "change_request.decided",
        _("Change request decided by the client"),
        (*PROJECT, "change_request_id", "reference", "title", "decision", "comment", "decided_by"),
    ),
    Event(
        "status_report.published",
        _("Status report published"),
        (*PROJECT, "status_report_id", "reference", "period_start", "period_end", "health"),
    ),
    Event(
        "feedback.received",
        _("Client feedback received"),
        (*PROJECT, "feedback_id", "source", "received_on", "scores", "nps", "comment"),
    ),
    Event(
        "action_item.overdue",
        _("Action item overdue"),
        (*PROJECT, "action_item_id", "what", "owner", "due_date", "overdue_days"),
    ),
    Event(
        "meeting.minutes_published",
        _("Meeting minutes published"),
        (*PROJECT, "meeting_id", "reference", "title", "version", "correction_reason"),
    ),
    Event(
        "closure.published",
        _("Project closed and closure report published"),
        (*PROJECT, "closure_id", "closed_at"),
    ),
    Event(
        "closure.accepted",
        _("Closure accepted by the client"),
        (*PROJECT, "closure_id", "accepted_by", "comment"),
    ),
    Event(
        "issue.shared",
        _("Issue shared with the client"),
        (*PROJECT, "issue_id", "reference", "title", "proposed_solution"),
    ),
]

EVENTS: dict[str, Event] = {event.name: event for event in _EVENTS}


class UnknownEvent(LookupError):
    pass


def get(name: str) -> Event:
    try:
        return EVENTS[name]
    except KeyError:
        raise UnknownEvent(f"webhook event {name!r} is not registered in webhooks.events") from None


def choices() -> list[tuple[str, str | Promise]]:
    return [(event.name, event.label) for event in _EVENTS]
