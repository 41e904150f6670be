"""The columns of the change log, as exported in the app and in the client portal."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from rapport.changes.models import ChangeRequest
from rapport.core.export import Column


def _raised_by(change_request: ChangeRequest) -> str:
    person = change_request.requested_by_contact or change_request.requested_by_user
    return str(person) if person else ""


def change_request_columns(*, financials: bool) -> list[Column[ChangeRequest]]:
    """The cost only for those who see the project's money."""
    columns: list[Column[ChangeRequest]] = [
        Column(_("Reference"), lambda cr: cr.reference),
        Column(_("Title"), lambda cr: cr.title),
        Column(_("Priority"), lambda cr: cr.get_priority_display()),
        Column(_("State"), lambda cr: cr.get_state_display()),
        Column(_("Days"), lambda cr: cr.schedule_days),
    ]
    if financials:
        columns.append(
            Column(_("Cost"), lambda cr: sum(cost.amount for cost in cr.cost_impacts.all()))
        )
    return [
        *columns,
        Column(_("Raised by"), _raised_by),
        Column(_("Created"), lambda cr: cr.created_at),
    ]


PORTAL_CHANGE_REQUEST_COLUMNS: list[Column[ChangeRequest]] = [
    Column(_("Reference"), lambda cr: cr.reference),
    Column(_("Title"), lambda cr: cr.title),
    Column(_("State"), lambda cr: cr.get_state_display()),
    Column(_("Created"), lambda cr: cr.created_at),
]
