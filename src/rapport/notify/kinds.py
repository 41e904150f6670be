"""Every kind of notification Rapport sends: who receives it, whether it may be turned off, and
how it is delivered unless the person chose otherwise. ``email_queue`` refuses a kind that is
not registered here, so a new event cannot slip past the preferences and the unsubscribe link."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Audience(StrEnum):
    MEMBERS = "members"  # people of the organisation, in the app
    CONTACTS = "contacts"  # client contacts, in the portal
    BOTH = "both"


class Delivery(models.TextChoices):
    IMMEDIATE = "immediate", _("Email immediately")
    DIGEST = "digest", _("In the daily digest")
    NONE = "none", pgettext_lazy("notification delivery", "Not at all")


@dataclass(frozen=True)
class Kind:
    code: str
    label: str | Promise
    audience: Audience
    # The person must receive it (an invitation, a reset link, a personal survey link): it
    # cannot be turned off and carries no unsubscribe link.
    mandatory: bool = False
    default: Delivery = Delivery.IMMEDIATE
    # Also kept as an in-app notification (not for links meant for the inbox alone).
    in_app: bool = True

    def reaches(self, side: Audience) -> bool:
        return self.audience in (side, Audience.BOTH)


DIGEST = "notification_digest"

_KINDS = [
    # mandatory: the person needs this email to get in or to answer
    Kind(
        "member_invitation",
        _("Invitation to join an organisation"),
        Audience.MEMBERS,
        mandatory=True,
        in_app=False,
    ),
    Kind(
        "portal_invitation",
        _("Invitation to the client portal"),
        Audience.CONTACTS,
        mandatory=True,
        in_app=False,
    ),
    Kind("password_reset", _("Password reset"), Audience.BOTH, mandatory=True, in_app=False),
    Kind("survey", _("Personal survey link"), Audience.CONTACTS, mandatory=True),
    Kind(DIGEST, _("Daily digest of notifications"), Audience.BOTH, in_app=False),
    # status reports
    Kind("status_report_published", _("Status report published"), Audience.CONTACTS),
    Kind("status_report_drafted", _("Status report drafted for review"), Audience.MEMBERS),
    Kind("report_question", _("Question on a status report"), Audience.MEMBERS),
    Kind("report_answer", _("Answer to your question on a status report"), Audience.CONTACTS),
    # messages and meetings
    Kind("message_posted", _("New message"), Audience.BOTH),
    Kind("meeting_invitation", _("Meeting invitation"), Audience.BOTH),
    Kind("meeting_update", _("Meeting changed"), Audience.BOTH),
    Kind("meeting_cancelled", _("Meeting cancelled"), Audience.BOTH),
    Kind("minutes_published", _("Minutes published"), Audience.CONTACTS),
    Kind("minutes_correction", _("Correction asked on minutes"), Audience.MEMBERS),
    Kind("action_items_overdue", _("Overdue action items"), Audience.BOTH),
    Kind("cadence_digest", _("Touchpoints due (daily)"), Audience.MEMBERS),
    # baselines and deliverables
    Kind("baseline_submitted", _("Baseline awaiting sign-off"), Audience.CONTACTS),
    Kind("baseline_decided", _("Baseline signed or returned"), Audience.MEMBERS),
    Kind("deliverable_submitted", _("Deliverable awaiting acceptance"), Audience.CONTACTS),
    Kind("deliverable_decided", _("Deliverable accepted or returned"), Audience.MEMBERS),
    # change requests
    Kind("change_request_submitted", _("Change request submitted"), Audience.MEMBERS),
    Kind(
        "change_request_internal_approval",
        _("Change request awaiting internal approval"),
        Audience.MEMBERS,
    ),
    Kind(
        "change_request_internal_returned",
        _("Change request sent back internally"),
        Audience.MEMBERS,
    ),
    Kind(
        "change_request_awaiting_approval",
        _("Change request awaiting your decision"),
        Audience.CONTACTS,
    ),
    Kind("change_request_approve", _("Change request approved"), Audience.MEMBERS),
    Kind("change_request_reject", _("Change request rejected"), Audience.MEMBERS),
    Kind(
        "change_request_needs_information",
        _("Change request needs more information"),
        Audience.MEMBERS,
    ),
    Kind("change_request_implemented", _("Change request implemented"), Audience.BOTH),
    Kind("change_request_withdrawn", _("Change request withdrawn"), Audience.BOTH),
    # closure
    Kind("closure_published", _("Project closure report published"), Audience.CONTACTS),
    # issues shared with the client
    Kind("issue_shared", _("Issue shared with you"), Audience.CONTACTS),
    Kind("issue_resolved", _("Shared issue resolved"), Audience.CONTACTS),
    # integrations
    Kind("webhook_paused", _("Webhook paused after failing deliveries"), Audience.MEMBERS),
    Kind("organisation_export_ready", _("Export of the organisation ready"), Audience.MEMBERS),
]

KINDS: dict[str, Kind] = {kind.code: kind for kind in _KINDS}


class UnknownKind(LookupError):
    pass


def get(code: str) -> Kind:
    try:
        return KINDS[code]
    except KeyError:
        raise UnknownKind(f"notification kind {code!r} is not registered in notify.kinds") from None


def choosable(side: Audience) -> list[Kind]:
    """The kinds a person of this side sees on their preferences page, mandatory ones too
    (shown locked)."""
    return [kind for kind in _KINDS if kind.reaches(side) and kind.code != DIGEST]
