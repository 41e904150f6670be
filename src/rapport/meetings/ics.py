"""Calendar invitations (RFC 5545 objects for the iTIP methods of RFC 5546).

One calendar entry per meeting, or one per series (a rule, with an occurrence that moves or is
cancelled as an exception of it: same UID, its original start as RECURRENCE-ID). The UID never
changes, so an update or a cancellation replaces the entry the attendee already has; SEQUENCE
grows with every update. Times are written in the organiser's time zone with its VTIMEZONE, so
each attendee's calendar shows them in its own zone, daylight saving included."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from rapport.meetings import recurrence
from rapport.meetings.models import Meeting, MeetingSeries

if TYPE_CHECKING:  # icalendar is imported where it is used: a web worker that never writes
    # an invitation does not hold it (6 MB)
    from icalendar import Calendar, Event, vCalAddress

PRODID = "-//Rapport//Client meetings//EN"
MIMETYPE = "text/calendar"


@dataclass(frozen=True)
class Person:
    email: str
    name: str


def _address(person: Person, *, attendee: bool) -> vCalAddress:
    from icalendar import vCalAddress, vText

    address = vCalAddress(f"mailto:{person.email}")
    if person.name:
        address.params["cn"] = vText(person.name)
    if attendee:
        address.params["cutype"] = "INDIVIDUAL"
        address.params["role"] = "REQ-PARTICIPANT"
        address.params["partstat"] = "NEEDS-ACTION"
        address.params["rsvp"] = "TRUE"
    return address


def people(meeting: Meeting) -> tuple[Person, list[Person]]:
    """The organiser and the attendees (team and client) who have an email address."""
    organiser = Person(meeting.organiser.email, meeting.organiser.full_name)
    attendees = [Person(user.email, user.full_name) for user in meeting.attendees.all()]
    attendees += [
        Person(contact.email, contact.full_name)
        for contact in meeting.client_attendees.all()
        if contact.email
    ]
    return organiser, attendees


def _calendar(method: str) -> Calendar:
    from icalendar import Calendar

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    return calendar


def _event(
    meeting: Meeting,
    *,
    sequence: int,
    description: str,
    status: str,
    rule: dict[str, Any] | None = None,
    as_exception: bool = True,
    stamp: datetime,
) -> Event:
    from icalendar import Event

    tz = recurrence.zone(meeting.time_zone)
    event = Event()
    event.add("uid", meeting.uid)
    event.add("sequence", sequence)
    event.add("dtstamp", stamp)
    event.add("dtstart", meeting.start.astimezone(tz))
    event.add("dtend", meeting.end.astimezone(tz))
    if as_exception and meeting.recurrence_id is not None and meeting.series is not None:
        event.add(
            "recurrence-id",
            meeting.recurrence_id.astimezone(recurrence.zone(meeting.series_time_zone)),
        )
    if rule:
        event.add("rrule", rule)
    event.add("summary", meeting.title)
    event.add("status", status)
    event.add("transp", "OPAQUE")
    location = meeting.place or meeting.video_link
    if location:
        event.add("location", location)
    if meeting.video_link:
        event.add("url", meeting.video_link)
    if description:
        event.add("description", description)
    organiser, attendees = people(meeting)
    event["organizer"] = _address(organiser, attendee=False)
    for person in attendees:
        event.add("attendee", _address(person, attendee=True), encode=False)
    return event


def _finish(calendar: Calendar, meetings: Sequence[Meeting]) -> str:
    """Add the VTIMEZONE of each zone used, covering the span of the meetings."""
    first = min(m.start for m in meetings).date() - timedelta(days=366)
    last = max(m.end for m in meetings).date() + timedelta(days=366)
    calendar.add_missing_timezones(first_date=first, last_date=last)
    return calendar.to_ical().decode()


def request(
    meeting: Meeting,
    *,
    description: str,
    series: MeetingSeries | None = None,
    occurrences: Sequence[Meeting] = (),
    stamp: datetime | None = None,
) -> str:
    """METHOD:REQUEST: an invitation or an update. With ``series``, the whole series (its
    first occurrence ``meeting`` and a rule producing ``occurrences``); otherwise one meeting,
    or one occurrence of a series (an exception of its rule)."""
    calendar = _calendar("REQUEST")
    stamp = stamp or timezone.now().astimezone(UTC)
    if series is not None:
        rule = {**recurrence.RULES[series.frequency], "count": len(occurrences)}
        calendar.add_component(
            _event(
                meeting,
                sequence=series.sequence,
                description=description,
                status="CONFIRMED",
                rule=rule,
                as_exception=False,
                stamp=stamp,
            )
        )
        return _finish(calendar, occurrences or [meeting])
    calendar.add_component(
        _event(
            meeting,
            sequence=meeting.sequence,
            description=description,
            status="CONFIRMED",
            stamp=stamp,
        )
    )
    return _finish(calendar, [meeting])


def cancel(
    meetings: Iterable[Meeting], *, description: str = "", stamp: datetime | None = None
) -> str:
    """METHOD:CANCEL for one meeting, or for occurrences of one series (one VEVENT each, with
    its RECURRENCE-ID: the other occurrences stay in the calendar)."""
    calendar = _calendar("CANCEL")
    stamp = stamp or timezone.now().astimezone(UTC)
    chosen = list(meetings)
    for meeting in chosen:
        calendar.add_component(
            _event(
                meeting,
                sequence=meeting.sequence,
                description=description,
                status="CANCELLED",
                stamp=stamp,
            )
        )
    return _finish(calendar, chosen)


def filename(meeting: Meeting, day: date | None = None) -> str:
    return f"{meeting.reference}-{(day or meeting.start.date()).isoformat()}.ics"
