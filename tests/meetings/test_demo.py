"""The demo tells client meetings: a weekly series with minutes, confirmations, and open and
overdue action items carried into the next agenda."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.utils import timezone

from rapport.meetings.models import ActionItem, AgendaItem, Meeting, MeetingSeries, MinutesResponse

pytestmark = pytest.mark.django_db


def test_demo_holds_a_weekly_meeting_with_minutes_and_action_items():
    call_command("demo")
    series = MeetingSeries.objects.filter(frequency="weekly")
    assert series.count() == 4
    assert all(s.meetings.count() == 8 for s in series)
    assert Meeting.objects.filter(state="held", minutes__versions__isnull=False).exists()
    assert Meeting.objects.filter(state="cancelled", project__code="NWL-01").exists()
    assert MinutesResponse.objects.filter(kind="confirmed").count() == 4
    assert MinutesResponse.objects.filter(kind="correction").count() == 4
    today = timezone.localdate()
    open_items = ActionItem.objects.filter(status="open")
    assert open_items.filter(due_date__lt=today, owner_contact__isnull=False).exists()
    assert open_items.filter(due_date__gte=today).exists()
    assert ActionItem.objects.filter(status="done").exists()
    carried = AgendaItem.objects.filter(source="action_item", meeting__start__gt=timezone.now())
    assert carried.filter(meeting__project__code="HCM-01").exists()
    assert Meeting.objects.filter(interaction__plan_item__isnull=False).exists()
