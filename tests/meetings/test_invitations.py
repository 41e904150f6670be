"""Calendar invitations, parsed with a real RFC 5545 parser (icalendar): times across time
zones and a daylight-saving change, a stable UID, a growing SEQUENCE, cancellations, and the
email's calendar part."""

from __future__ import annotations

import email
import email.policy
import itertools
import zoneinfo
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from dateutil.rrule import rrulestr
from django.core import mail
from icalendar import Calendar

from rapport.meetings import services
from rapport.meetings.models import Meeting
from rapport.notify.models import OutboundEmail
from rapport.notify.services import email_deliver
from rapport.tenancy.models import User

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
LOCMEM = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}


def _organiser_in_shanghai_and_contact_in_berlin(side: Any) -> None:
    User.objects.filter(pk=side.pm.pk).update(time_zone="Asia/Shanghai")
    side.pm.refresh_from_db()
    side.contact_a.time_zone = "Europe/Berlin"
    side.contact_a.language = "en"
    side.contact_a.save(update_fields=["time_zone", "language"])


def _calendar(outbound: OutboundEmail) -> Calendar:
    """The ICS text an outbox row keeps, parsed."""
    [alternative, attached] = outbound.attachments
    assert alternative["args"]["alternative"] is True
    assert attached["args"]["alternative"] is False
    assert alternative["args"]["ics"] == attached["args"]["ics"]
    return Calendar.from_ical(alternative["args"]["ics"])


def _invitations(to: str, kind: str = "meeting_invitation") -> list[OutboundEmail]:
    return list(OutboundEmail.objects.filter(to=to, kind=kind).order_by("id"))


def test_a_weekly_series_keeps_its_shanghai_time_across_berlins_clock_change(world):
    side = world.one
    _organiser_in_shanghai_and_contact_in_berlin(side)
    # Thursdays 16:00 in Shanghai, from 18 March 2027; Berlin moves to summer time on 28 March.
    first = services.meeting_schedule(
        actor=side.actor(side.pm),
        project=side.project_a,
        title="Weekly status",
        start=datetime(2027, 3, 18, 16, 0),
        end=datetime(2027, 3, 18, 17, 0),
        time_zone="Asia/Shanghai",
        attendee_ids=[side.pm.pk],
        contact_ids=[side.contact_a.pk],
        frequency="weekly",
        count=4,
    )
    occurrences = list(Meeting.objects.filter(series=first.series).order_by("start"))
    assert [m.start.astimezone(SHANGHAI).strftime("%d %H:%M") for m in occurrences] == [
        "18 16:00",
        "25 16:00",
        "01 16:00",
        "08 16:00",
    ]
    # in Berlin the same meetings move by an hour once its clocks go forward
    assert [m.start.astimezone(BERLIN).strftime("%H:%M") for m in occurrences] == [
        "09:00",
        "09:00",
        "10:00",
        "10:00",
    ]
    assert {m.uid for m in occurrences} == {first.series.uid}

    [invitation] = _invitations(side.contact_a.email)
    calendar = _calendar(invitation)
    assert str(calendar["method"]) == "REQUEST"
    [event] = calendar.walk("VEVENT")
    assert str(event["uid"]) == first.series.uid
    assert event.decoded("sequence") == 0
    start = event.decoded("dtstart")
    assert start.tzinfo is not None and str(start.tzinfo) == "Asia/Shanghai"
    assert event["dtstart"].params["TZID"] == "Asia/Shanghai"
    assert [tz["tzid"] for tz in calendar.walk("VTIMEZONE")] == ["Asia/Shanghai"]
    # the calendar's rule yields exactly the meetings Rapport holds
    rule = rrulestr(event["rrule"].to_ical().decode(), dtstart=start)
    assert list(rule) == [m.start for m in occurrences]
    assert [o.astimezone(BERLIN).hour for o in rule] == [9, 9, 10, 10]
    attendees = {str(a).removeprefix("mailto:") for a in event["attendee"]}
    assert attendees == {side.pm.email, side.contact_a.email}
    assert str(event["organizer"]) == f"mailto:{side.pm.email}"
    assert event["organizer"].params["CN"] == side.pm.full_name
    # the Berlin attendee's email shows Berlin times, the organiser's Shanghai time beside
    assert "2027-03-18 09:00–10:00 (Europe/Berlin)" in invitation.body_text
    assert "2027-03-18 16:00 for the organiser (Asia/Shanghai)" in invitation.body_text
    assert "Repeats: Weekly, 4 times, until 2027-04-08" in invitation.body_text


def test_a_single_meeting_after_the_clock_change_is_read_right_in_berlin(world):
    side = world.one
    _organiser_in_shanghai_and_contact_in_berlin(side)
    meeting = services.meeting_schedule(
        actor=side.actor(side.pm),
        project=side.project_a,
        title="Steering committee",
        kind="steering",
        start=datetime(2027, 3, 30, 15, 30),
        end=datetime(2027, 3, 30, 17, 0),
        time_zone="Asia/Shanghai",
        place="Room 3, Pudong office",
        contact_ids=[side.contact_a.pk],
    )
    [invitation] = _invitations(side.contact_a.email)
    [event] = _calendar(invitation).walk("VEVENT")
    start, end = event.decoded("dtstart"), event.decoded("dtend")
    assert start == meeting.start and end == meeting.end
    assert start.astimezone(BERLIN).strftime("%Y-%m-%d %H:%M %Z") == "2027-03-30 09:30 CEST"
    assert "RECURRENCE-ID" not in event and "RRULE" not in event
    assert str(event["location"]) == "Room 3, Pudong office"
    assert "2027-03-30 09:30–11:00 (Europe/Berlin)" in invitation.body_text


def test_a_time_skipped_by_the_clock_change_is_refused(world):
    side = world.one
    with pytest.raises(Exception) as error:
        services.meeting_schedule(
            actor=side.actor(side.pm),
            project=side.project_a,
            title="Early call",
            start=datetime(2027, 3, 28, 2, 30),
            end=datetime(2027, 3, 28, 3, 30),
            time_zone="Europe/Berlin",
        )
    assert "does not exist in Europe/Berlin" in str(error.value)
    assert not Meeting.objects.exists()


def test_rescheduling_keeps_the_uid_and_raises_the_sequence(world):
    side = world.one
    meeting = services.meeting_schedule(
        actor=side.actor(side.pm),
        project=side.project_a,
        title="Design review",
        start=datetime(2027, 5, 4, 10, 0),
        end=datetime(2027, 5, 4, 11, 0),
        time_zone="Europe/Berlin",
        contact_ids=[side.contact_a.pk],
    )
    services.meeting_update(
        actor=side.actor(side.pm),
        meeting=meeting,
        title="Design review",
        start=datetime(2027, 5, 6, 14, 0),
        end=datetime(2027, 5, 6, 15, 30),
        time_zone="Europe/Berlin",
        contact_ids=[side.contact_a.pk],
    )
    first, second = _invitations(side.contact_a.email) + _invitations(
        side.contact_a.email, "meeting_update"
    )
    one = _calendar(first).walk("VEVENT")[0]
    two = _calendar(second).walk("VEVENT")[0]
    assert str(one["uid"]) == str(two["uid"]) == meeting.uid
    assert (one.decoded("sequence"), two.decoded("sequence")) == (0, 1)
    assert two.decoded("dtstart").astimezone(BERLIN) == datetime(2027, 5, 6, 14, 0, tzinfo=BERLIN)
    # the first email still carries the meeting as it was when it was queued
    assert one.decoded("dtstart").astimezone(BERLIN).day == 4
    assert "Updated invitation" in second.subject


def test_an_occurrence_moves_and_is_cancelled_alone(world):
    side = world.one
    first = services.meeting_schedule(
        actor=side.actor(side.pm),
        project=side.project_a,
        title="Fortnightly sync",
        start=datetime(2027, 6, 1, 9, 0),
        end=datetime(2027, 6, 1, 9, 30),
        time_zone="Europe/Berlin",
        contact_ids=[side.contact_a.pk],
        frequency="fortnightly",
        until=date(2027, 7, 31),
    )
    occurrences = list(Meeting.objects.filter(series=first.series).order_by("start"))
    assert [m.start.astimezone(BERLIN).date() for m in occurrences] == [
        date(2027, 6, 1),
        date(2027, 6, 15),
        date(2027, 6, 29),
        date(2027, 7, 13),
        date(2027, 7, 27),
    ]
    second = occurrences[1]
    services.meeting_update(
        actor=side.actor(side.pm),
        meeting=second,
        title="Fortnightly sync",
        start=datetime(2027, 6, 16, 9, 0),
        end=datetime(2027, 6, 16, 9, 30),
        time_zone="Europe/Berlin",
        contact_ids=[side.contact_a.pk],
    )
    [update] = _invitations(side.contact_a.email, "meeting_update")
    [event] = _calendar(update).walk("VEVENT")
    assert str(event["uid"]) == first.series.uid
    assert event.decoded("recurrence-id") == datetime(2027, 6, 15, 9, 0, tzinfo=BERLIN)
    assert event.decoded("dtstart") == datetime(2027, 6, 16, 9, 0, tzinfo=BERLIN)
    assert event.decoded("sequence") == 1

    services.meeting_cancel(actor=side.actor(side.pm), meeting=occurrences[3], following=True)
    [cancellation] = _invitations(side.contact_a.email, "meeting_cancelled")
    calendar = _calendar(cancellation)
    assert str(calendar["method"]) == "CANCEL"
    events = calendar.walk("VEVENT")
    assert [e.decoded("recurrence-id").date() for e in events] == [
        date(2027, 7, 13),
        date(2027, 7, 27),
    ]
    assert {str(e["status"]) for e in events} == {"CANCELLED"}
    assert all(e.decoded("sequence") == 1 for e in events)
    assert list(
        Meeting.objects.filter(series=first.series)
        .order_by("start")
        .values_list("state", flat=True)
    ) == ["scheduled", "scheduled", "scheduled", "cancelled", "cancelled"]


def test_someone_uninvited_gets_a_cancellation(world):
    side = world.one
    meeting = services.meeting_schedule(
        actor=side.actor(side.pm),
        project=side.project_a,
        title="Design review",
        start=datetime(2027, 5, 4, 10, 0),
        end=datetime(2027, 5, 4, 11, 0),
        time_zone="UTC",
        attendee_ids=[side.member.pk],
        contact_ids=[side.contact_a.pk],
    )
    services.meeting_update(
        actor=side.actor(side.pm),
        meeting=meeting,
        title="Design review",
        start=datetime(2027, 5, 4, 10, 0),
        end=datetime(2027, 5, 4, 11, 0),
        time_zone="UTC",
        attendee_ids=[],
        contact_ids=[side.contact_a.pk],
    )
    [cancellation] = _invitations(side.member.email, "meeting_cancelled")
    [event] = _calendar(cancellation).walk("VEVENT")
    assert str(event["uid"]) == meeting.uid and event.decoded("sequence") == 1
    # a UTC meeting is written in UTC, with no VTIMEZONE
    assert event["dtstart"].to_ical().decode().endswith("Z")
    assert not _calendar(cancellation).walk("VTIMEZONE")
    assert _invitations(side.contact_a.email, "meeting_update")


def test_the_email_carries_the_invitation_as_a_calendar_part(world, settings):
    settings.MAILERS = LOCMEM
    side = world.one
    services.meeting_schedule(
        actor=side.actor(side.pm),
        project=side.project_a,
        title="Kick-off",
        kind="kick_off",
        start=datetime(2027, 5, 4, 10, 0),
        end=datetime(2027, 5, 4, 11, 0),
        time_zone="Europe/Berlin",
        contact_ids=[side.contact_a.pk],
    )
    [outbound] = _invitations(side.contact_a.email)
    delivered = email_deliver(email_id=outbound.pk)
    assert delivered.status == OutboundEmail.Status.SENT, delivered.error
    [sent] = mail.outbox
    message = email.message_from_bytes(sent.message().as_bytes(), policy=email.policy.default)
    assert message.get_content_type() == "multipart/mixed"
    body = next(p for p in message.iter_parts() if p.get_content_type() == "multipart/alternative")
    types = [part.get_content_type() for part in body.iter_parts()]
    assert types == ["text/plain", "text/html", "text/calendar"]
    calendar_part = list(body.iter_parts())[2]
    assert calendar_part.get_param("method") == "REQUEST"
    assert calendar_part.get_content_charset() == "utf-8"
    parsed = Calendar.from_ical(calendar_part.get_content())
    assert str(parsed.walk("VEVENT")[0]["summary"]) == "Kick-off"
    [attached] = list(message.iter_attachments())
    assert attached.get_content_type() == "application/ics"
    assert attached.get_filename().endswith(".ics")
    assert Calendar.from_ical(attached.get_content())["method"] == "REQUEST"


def test_the_agenda_travels_in_the_email_and_the_calendar_in_the_recipients_language(world):
    side = world.one
    side.contact_a.language = "zh-hans"
    side.contact_a.save(update_fields=["language"])
    meeting = services.meeting_schedule(
        actor=side.actor(side.pm),
        project=side.project_a,
        title="Weekly status",
        start=datetime(2027, 5, 4, 10, 0),
        end=datetime(2027, 5, 4, 11, 0),
        time_zone="Asia/Shanghai",
        contact_ids=[side.contact_a.pk],
    )
    services.agenda_item_add(
        actor=side.actor(side.pm),
        meeting=meeting,
        title="Launch readiness",
        time_box=20,
        owner_contact_id=side.contact_a.pk,
    )
    services.meeting_send_update(actor=side.actor(side.pm), meeting=meeting)
    [update] = _invitations(side.contact_a.email, "meeting_update")
    assert update.language == "zh-hans"
    assert "Launch readiness" in update.body_text and "20" in update.body_text
    [event] = _calendar(update).walk("VEVENT")
    assert "Launch readiness" in str(event["description"])
    assert event.decoded("sequence") == 1


def test_wholly_unrelated_times_never_lose_a_minute():
    """Occurrences are computed in wall-clock time: a monthly series on the 31st skips the
    months without one, as RFC 5545 says."""
    from rapport.meetings import recurrence

    first = datetime(2027, 1, 31, 10, 0, tzinfo=BERLIN)
    starts = recurrence.starts(first, frequency="monthly", count=4)
    assert [s.date() for s in starts] == [
        date(2027, 1, 31),
        date(2027, 3, 31),
        date(2027, 5, 31),
        date(2027, 7, 31),
    ]
    rule = rrulestr("FREQ=MONTHLY;COUNT=4", dtstart=first)
    assert list(rule) == starts
    assert all(s.hour == 10 for s in starts)
    assert timedelta(0) not in {b - a for a, b in itertools.pairwise(starts)}
