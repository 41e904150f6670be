"""The emails a meeting owes its attendees: the invitation (and each update) with the agenda
and a calendar invitation, and the cancellation. Each attendee reads it in their language and
time zone; the calendar part is the meeting as it was when the email was queued (its SEQUENCE
and times), so a later change never rewrites an email still waiting in the outbox."""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from rapport.clients.models import Contact
from rapport.meetings import ics
from rapport.meetings.models import AgendaItem, Meeting, MeetingSeries
from rapport.notify import attachments
from rapport.notify.services import email_queue
from rapport.tenancy.models import User


@dataclass(frozen=True)
class Recipient:
    email: str
    name: str
    language: str
    time_zone: str
    link: str


def _zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def _member(user: User, meeting: Meeting) -> Recipient:
    return Recipient(
        email=user.email,
        name=user.full_name or user.email,
        language=user.language,
        time_zone=user.time_zone,
        link=settings.SITE_URL
        + reverse("meetings:detail", args=[meeting.project_id, meeting.number]),
    )


def _contact(contact: Contact, meeting: Meeting) -> Recipient:
    link = ""
    if contact.portal_access and contact.user_id:
        link = settings.SITE_URL + reverse(
            "portal_meetings:detail", args=[meeting.project_id, meeting.number]
        )
    return Recipient(
        email=contact.email,
        name=contact.full_name,
        language=contact.language,
        time_zone=contact.time_zone,
        link=link,
    )


def recipients(
    meeting: Meeting, users: Iterable[User] | None = None, contacts: Iterable[Contact] | None = None
) -> list[Recipient]:
    """The meeting's attendees with an email address (or the people given)."""
    chosen_users = meeting.attendees.all() if users is None else users
    chosen_contacts = meeting.client_attendees.all() if contacts is None else contacts
    found = [_member(user, meeting) for user in chosen_users if user.email and user.is_active]
    found += [_contact(contact, meeting) for contact in chosen_contacts if contact.email]
    return found


def _agenda(meeting: Meeting) -> list[AgendaItem]:
    return list(
        meeting.agenda_items.select_related("owner_user", "owner_contact").order_by("order", "id")
    )


def _description(meeting: Meeting, agenda: Sequence[AgendaItem], link: str) -> str:
    """The calendar entry's text, in the active language: the agenda and where to find it."""
    lines = [f"{meeting.project.name} · {meeting.reference}"]
    if agenda:
        lines += ["", _("Agenda")]
        for number, item in enumerate(agenda, 1):
            owner = f" — {item.owner}" if item.owner else ""
            lines.append(
                _("%(number)d. %(title)s%(owner)s (%(minutes)d min)")
                % {"number": number, "title": item.title, "owner": owner, "minutes": item.time_box}
            )
    if meeting.video_link:
        lines += ["", _("Video link: %(link)s") % {"link": meeting.video_link}]
    if link:
        lines += ["", link]
    return "\n".join(lines)


def _context(
    meeting: Meeting, recipient: Recipient, agenda: Sequence[AgendaItem]
) -> dict[str, Any]:
    zone = _zone(recipient.time_zone)
    organiser_zone = _zone(meeting.time_zone)
    return {
        "name": recipient.name,
        "title": meeting.title,
        "kind": meeting.get_kind_display(),
        "reference": meeting.reference,
        "project": meeting.project.name,
        "organiser": meeting.organiser.full_name or meeting.organiser.email,
        "start": meeting.start.astimezone(zone),
        "end": meeting.end.astimezone(zone),
        "time_zone": recipient.time_zone,
        "organiser_start": meeting.start.astimezone(organiser_zone).strftime("%Y-%m-%d %H:%M"),
        "organiser_time_zone": meeting.time_zone,
        "other_zone": recipient.time_zone != meeting.time_zone,
        "place": meeting.place,
        "video_link": meeting.video_link,
        "agenda": [
            {"title": item.title, "owner": str(item.owner or ""), "time_box": item.time_box}
            for item in agenda
        ],
        "agenda_minutes": sum(item.time_box for item in agenda),
        "duration": meeting.duration_minutes,
        "link": recipient.link,
    }


def _calendar_specs(text: str, method: str, meeting: Meeting) -> list[dict[str, Any]]:
    name = ics.filename(meeting)
    return [
        attachments.spec("meeting_ics", ics=text, method=method, filename=name, alternative=True),
        attachments.spec("meeting_ics", ics=text, method=method, filename=name, alternative=False),
    ]


def send_request(
    meeting: Meeting,
    *,
    series: MeetingSeries | None = None,
    occurrences: Sequence[Meeting] = (),
    update: bool = False,
) -> int:
    """Queue the invitation (or its update) to every attendee; returns how many."""
    agenda = _agenda(meeting)
    chosen = recipients(meeting)
    for recipient in chosen:
        with (
            translation.override(recipient.language),
            timezone.override(_zone(recipient.time_zone)),
        ):
            text = ics.request(
                meeting,
                description=_description(meeting, agenda, recipient.link),
                series=series,
                occurrences=occurrences,
            )
            context = _context(meeting, recipient, agenda)
            if series is not None:
                context["series"] = {
                    "frequency": series.get_frequency_display(),
                    "count": len(occurrences),
                    "last": occurrences[-1].start.astimezone(_zone(recipient.time_zone)),
                }
            email_queue(
                to=recipient.email,
                template="meeting_invitation",
                context={**context, "update": update},
                language=recipient.language,
                kind="meeting_update" if update else "meeting_invitation",
                organisation_id=meeting.project.organisation_id,
                attachments=_calendar_specs(text, "REQUEST", meeting),
            )
    return len(chosen)


def send_cancel(
    meetings: Sequence[Meeting],
    *,
    reason: str = "",
    users: Iterable[User] | None = None,
    contacts: Iterable[Contact] | None = None,
) -> int:
    """Queue the cancellation of ``meetings`` (one, or occurrences of one series) to their
    attendees, or to the people given (uninvited from a meeting that goes on)."""
    first = meetings[0]
    seen: dict[str, Recipient] = {}
    if users is not None or contacts is not None:
        for recipient in recipients(first, users or [], contacts or []):
            seen.setdefault(recipient.email.lower(), recipient)
    else:
        for meeting in meetings:
            for recipient in recipients(meeting):
                seen.setdefault(recipient.email.lower(), recipient)
    for recipient in seen.values():
        with (
            translation.override(recipient.language),
            timezone.override(_zone(recipient.time_zone)),
        ):
            text = ics.cancel(meetings, description=reason)
            context = _context(first, recipient, [])
            zone = _zone(recipient.time_zone)
            email_queue(
                to=recipient.email,
                template="meeting_cancelled",
                context={
                    **context,
                    "reason": reason,
                    "starts": [meeting.start.astimezone(zone) for meeting in meetings],
                },
                language=recipient.language,
                kind="meeting_cancelled",
                organisation_id=first.project.organisation_id,
                attachments=_calendar_specs(text, "CANCEL", first),
            )
    return len(seen)
