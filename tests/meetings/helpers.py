"""Scenes for meeting tests: a scheduled meeting of project A, held with minutes."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from rapport.meetings import minutes as minutes_services
from rapport.meetings import services
from rapport.meetings.models import Meeting
from tests.conftest import Side


def schedule(side: Side, *, start: datetime | None = None, **values: Any) -> Meeting:
    """A meeting of project A by its PM, with the team member and contact A invited; an hour
    long, starting an hour ago unless said."""
    begin = start or (timezone.now() - timedelta(hours=1)).replace(microsecond=0)
    options: dict[str, Any] = {
        "title": "Weekly status",
        "start": begin,
        "end": begin + timedelta(hours=1),
        "time_zone": "Europe/Berlin",
        "attendee_ids": [side.pm.pk, side.member.pk],
        "contact_ids": [side.contact_a.pk],
        "video_link": "https://meet.example.test/weekly",
    }
    options.update(values)
    return services.meeting_schedule(actor=side.actor(side.pm), project=side.project_a, **options)


def held(side: Side, **values: Any) -> Meeting:
    """A meeting that happened, its minutes recorded (everyone present)."""
    meeting = schedule(side, **values)
    minutes_services.minutes_record(
        actor=side.actor(side.pm),
        meeting=meeting,
        present_user_ids=[side.pm.pk, side.member.pk],
        present_contact_ids=[side.contact_a.pk],
        summary="We agreed the launch plan.",
        internal_notes="The client seemed worried about the budget.",
    )
    return Meeting.objects.get(pk=meeting.pk)
