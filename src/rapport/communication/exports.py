"""The columns of the stakeholder register, the communication plan and the touchpoints, as
exported."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from rapport.communication.models import Interaction, Stakeholder
from rapport.communication.selectors import PlannedTouchpoint
from rapport.core.export import Column

STAKEHOLDER_COLUMNS: list[Column[Stakeholder]] = [
    Column(_("Contact"), lambda stakeholder: stakeholder.contact.full_name),
    Column(_("Job title"), lambda stakeholder: stakeholder.contact.job_title),
    Column(_("Role"), lambda stakeholder: stakeholder.get_role_display()),
    Column(_("Influence"), lambda stakeholder: stakeholder.get_influence_display()),
    Column(_("Interest"), lambda stakeholder: stakeholder.get_interest_display()),
    Column(
        _("Preferred channel"),
        lambda stakeholder: stakeholder.contact.get_preferred_channel_display(),
    ),
    Column(_("Language"), lambda stakeholder: stakeholder.contact.get_language_display()),
    Column(_("Time zone"), lambda stakeholder: stakeholder.contact.time_zone),
    Column(_("Working hours"), lambda stakeholder: stakeholder.contact.working_hours),
    Column(_("Internal notes"), lambda stakeholder: stakeholder.notes),
]

PLAN_COLUMNS: list[Column[PlannedTouchpoint]] = [
    Column(_("What"), lambda planned: planned.item.title),
    Column(
        _("Audience"),
        lambda planned: ", ".join(contact.full_name for contact in planned.item.audience.all()),
    ),
    Column(_("Channel"), lambda planned: planned.item.get_channel_display()),
    Column(_("Every (days)"), lambda planned: planned.item.cadence_days),
    Column(_("Owner"), lambda planned: str(planned.item.owner or "")),
    Column(_("Active"), lambda planned: planned.item.active),
    Column(_("Last done"), lambda planned: planned.last_done),
    Column(_("Next due"), lambda planned: planned.due.next_due),
]

TOUCHPOINT_COLUMNS: list[Column[Interaction]] = [
    Column(_("When"), lambda touchpoint: touchpoint.occurred_at),
    Column(_("Channel"), lambda touchpoint: touchpoint.get_channel_display()),
    Column(_("Direction"), lambda touchpoint: touchpoint.get_direction_display()),
    Column(_("Project"), lambda touchpoint: touchpoint.project.name if touchpoint.project else ""),
    Column(
        _("Contacts"),
        lambda touchpoint: ", ".join(contact.full_name for contact in touchpoint.contacts.all()),
    ),
    Column(_("Kind of message"), lambda touchpoint: touchpoint.get_kind_display()),
    Column(_("Summary"), lambda touchpoint: touchpoint.summary),
    Column(_("Follow-ups"), lambda touchpoint: touchpoint.follow_ups),
    Column(
        _("Fulfils"), lambda touchpoint: touchpoint.plan_item.title if touchpoint.plan_item else ""
    ),
    Column(_("Logged by"), lambda touchpoint: str(touchpoint.created_by or "")),
]
