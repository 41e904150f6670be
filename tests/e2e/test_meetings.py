"""A client meeting in a real browser: the PM schedules it, builds the agenda with the open
action item of the last meeting carried over, records the minutes with an action item for the
client and publishes them; the client sees the action item in the portal and closes it, and
confirms the minutes."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from rapport.meetings import minutes as minutes_services
from rapport.meetings import services as meeting_services
from rapport.meetings.models import ActionItem, MinutesResponse
from tests.e2e.browser import contoso_project, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def last_weeks_meeting() -> Any:
    """Project "Data platform" of Contoso, published, whose meeting a week ago left the client
    an action item that is now overdue."""
    today = timezone.localdate()
    scene = contoso_project(
        code="CON-3", contact="Sam Approver", approver=True, days_from_today=(-60, 120)
    )
    pm, contact, project, actor = scene.pm, scene.contact, scene.project, scene.pm_actor
    pm.time_zone = "UTC"  # the times the test types
    pm.save(update_fields=["time_zone"])
    start = (timezone.now() - datetime.timedelta(days=7)).replace(microsecond=0)
    earlier = meeting_services.meeting_schedule(
        actor=actor,
        project=project,
        title="Weekly status",
        start=start,
        end=start + datetime.timedelta(hours=1),
        time_zone="UTC",
        attendee_ids=[pm.pk],
        contact_ids=[contact.pk],
    )
    minutes_services.minutes_record(
        actor=actor,
        meeting=earlier,
        present_user_ids=[pm.pk],
        present_contact_ids=[contact.pk],
    )
    minutes_services.action_item_create(
        actor=actor,
        project=project,
        meeting=earlier,
        what="Send the revised timeline",
        owner_contact_id=contact.pk,
        due_date=today - datetime.timedelta(days=2),
        confirm_past_due=True,
    )
    return project


def test_schedule_agenda_minutes_and_the_client_closes_the_action_item(
    new_context: Any, live_server: Any, last_weeks_meeting: Any, server_errors: list[str]
) -> None:
    project = last_weeks_meeting
    pm = new_context().new_page()
    client = new_context().new_page()

    # The PM schedules this week's meeting (it began half an hour ago), inviting Sam.
    begin = timezone.now().astimezone(datetime.UTC) - datetime.timedelta(minutes=30)
    end = min(begin + datetime.timedelta(minutes=45), begin.replace(hour=23, minute=59))
    sign_in(pm, "pm@e2e.test")
    pm.goto(f"/app/projects/{project.pk}/meetings/")
    pm.get_by_role("link", name="Schedule a meeting").click()
    pm.get_by_role("textbox", name="Title", exact=True).fill("Weekly status")
    pm.get_by_label("Day").fill(begin.date().isoformat())
    pm.get_by_label("Starts at").fill(begin.strftime("%H:%M"))
    pm.get_by_label("Ends at").fill(end.strftime("%H:%M"))
    pm.get_by_label("Time zone of the times above").select_option("UTC")
    pm.get_by_role("checkbox", name="Sam Approver").check()
    pm.get_by_role("button", name="Schedule and invite").click()
    expect(pm.get_by_text("M-002 is scheduled and the attendees are invited.")).to_be_visible()

    # Last week's open action item is proposed for the agenda; the PM carries it over and adds
    # an item of their own.
    proposals = pm.locator(
        "section", has=pm.get_by_role("heading", name="Proposed for this agenda")
    )
    expect(proposals.get_by_text("Send the revised timeline")).to_be_visible()
    expect(proposals.get_by_text("overdue by 2 days")).to_be_visible()
    proposals.get_by_role("button", name="Add “Send the revised timeline” to the agenda").click()
    expect(pm.get_by_text("Added to the agenda.")).to_be_visible()
    agenda = pm.locator("section", has=pm.get_by_role("heading", name="Agenda", exact=True))
    expect(agenda.get_by_role("row", name=re.compile("Send the revised timeline"))).to_contain_text(
        "Open action item"
    )
    pm.get_by_role("textbox", name="Title").fill("Launch readiness")
    pm.get_by_role("spinbutton", name="Time box (minutes)").fill("20")
    pm.get_by_role("button", name="Add to the agenda").click()
    expect(pm.get_by_test_id("agenda-total")).to_have_text(
        re.compile(r"^25 of \d+ minutes planned")
    )

    # Minutes: who was there, the notes, then an action item for the client.
    pm.get_by_role("link", name="Record the minutes").click()
    pm.get_by_role("textbox", name="Summary (the client reads it)").fill("Launch date confirmed.")
    pm.get_by_role("textbox", name="Launch readiness").fill("All checks green.")
    pm.get_by_role("textbox", name="Internal notes (never shown to the client)").fill(
        "Sam sounded unsure about the budget."
    )
    pm.get_by_role("button", name="Save the minutes").click()
    expect(pm.get_by_text("The minutes are saved.")).to_be_visible()
    pm.get_by_role("textbox", name="What").fill("Share the test accounts")
    pm.get_by_role("combobox", name="Owner").select_option(label="Sam Approver")
    pm.get_by_role("textbox", name="Due date").fill(
        (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    )
    pm.get_by_role("button", name="Record the action item").click()
    expect(pm.get_by_text("The action item is recorded.")).to_be_visible()
    pm.get_by_role("button", name="Publish the minutes").click()
    expect(pm.get_by_text(re.compile("Version 1 of the minutes is published"))).to_be_visible()

    # The client sees both action items in the portal, the overdue one flagged, and closes the
    # new one with a note.
    sign_in(client, "sam@contoso.test")
    client.get_by_role("link", name="My action items").click()
    overdue = client.get_by_role("row", name=re.compile("Send the revised timeline"))
    expect(overdue.get_by_text("overdue by 2 days")).to_be_visible()
    client.get_by_role("link", name="Close “Share the test accounts”").click()
    client.get_by_role("textbox", name="What was done").fill("Accounts sent by email.")
    client.get_by_role("button", name="Close it").click()
    expect(client.get_by_text("Thank you: the action item is closed.")).to_be_visible()

    # and confirms the minutes, which never show the internal notes
    client.goto(f"/portal/projects/{project.pk}/meetings/")
    client.get_by_role("link", name="Weekly status").first.click()  # the newest first
    expect(client.get_by_text("Launch date confirmed.")).to_be_visible()
    expect(client.get_by_text("unsure about the budget")).to_have_count(0)
    client.get_by_label("I confirm these minutes").check()
    client.get_by_role("button", name="Send my answer").click()
    expect(client.get_by_text("Thank you: your confirmation is recorded.")).to_be_visible()

    item = ActionItem.objects.get(what="Share the test accounts")
    assert item.status == "done" and item.closed_by_contact is not None
    assert MinutesResponse.objects.filter(kind="confirmed").count() == 1
    pm.goto(f"/app/projects/{project.pk}/action-items/?status=done")
    expect(pm.get_by_role("row", name=re.compile("Share the test accounts"))).to_contain_text(
        "Accounts sent by email."
    )
    assert server_errors == []
