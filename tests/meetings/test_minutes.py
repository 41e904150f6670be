"""Minutes, decisions and action items: recording holds the meeting and logs the touchpoint;
publishing freezes what the client reads; the client confirms once; editing published minutes
publishes a correction and keeps the original; action items have one owner and a due date that
is warned about when already past."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from rapport.audit.models import AuditEvent
from rapport.changes import services as change_services
from rapport.communication import services as communication
from rapport.communication.models import Interaction
from rapport.meetings import minutes as services
from rapport.meetings import selectors
from rapport.meetings import services as scheduling
from rapport.meetings.models import (
    ActionItem,
    AgendaItem,
    Decision,
    Meeting,
    MinutesResponse,
    MinutesVersion,
)
from rapport.notify.models import OutboundEmail
from tests import factories
from tests.meetings.helpers import held, schedule

pytestmark = pytest.mark.django_db


def _plan_item(side):
    return communication.plan_item_create(
        actor=side.actor(side.pm),
        project=side.project_a,
        audience=[side.contact_a],
        owner_id=side.pm.pk,
        title="Weekly call with the sponsor",
        channel="video",
        cadence_days=7,
    )


def test_recording_the_minutes_holds_the_meeting_and_fulfils_the_plan_item(world):
    side = world.one
    item = _plan_item(side)
    meeting = schedule(side, plan_item_id=item.pk)
    assert meeting.state == Meeting.State.SCHEDULED
    services.minutes_record(
        actor=side.actor(side.pm),
        meeting=meeting,
        present_user_ids=[side.pm.pk],
        present_contact_ids=[side.contact_a.pk],
        summary="Launch plan agreed.",
    )
    meeting.refresh_from_db()
    assert meeting.state == Meeting.State.HELD
    touchpoint = Interaction.objects.get(pk=meeting.interaction_id)
    assert touchpoint.plan_item == item
    assert touchpoint.channel == "video"
    assert touchpoint.occurred_at == meeting.start
    assert list(touchpoint.contacts.all()) == [side.contact_a]
    assert "Weekly status" in touchpoint.summary
    # the plan item counts as done today
    [planned] = communication_plan(side)
    assert planned.last_done == timezone.localdate(meeting.start)
    # recording again does not log it twice
    services.minutes_record(
        actor=side.actor(side.pm), meeting=meeting, present_user_ids=[side.pm.pk]
    )
    assert Interaction.objects.filter(project=side.project_a).count() == 1
    assert AuditEvent.objects.filter(action="held", object_id=str(meeting.pk)).count() == 1


def communication_plan(side):
    from rapport.communication import selectors as comm_selectors

    return comm_selectors.plan(actor=side.actor(side.pm), project=side.project_a)


def test_minutes_wait_for_the_meeting_to_start(world):
    side = world.one
    meeting = schedule(side, start=timezone.now() + timedelta(days=2))
    with pytest.raises(ValidationError, match="once the meeting has started"):
        services.minutes_record(actor=side.actor(side.pm), meeting=meeting)
    assert not hasattr(Meeting.objects.get(pk=meeting.pk), "minutes")


def test_the_team_reads_but_only_managers_write(world):
    side = world.one
    meeting = schedule(side)
    with pytest.raises(PermissionDenied):
        services.minutes_record(actor=side.actor(side.member), meeting=meeting)
    with pytest.raises(PermissionDenied):
        scheduling.meeting_schedule(
            actor=side.actor(side.member),
            project=side.project_a,
            title="Mine",
            start=datetime(2027, 1, 5, 10),
            end=datetime(2027, 1, 5, 11),
            time_zone="UTC",
        )
    assert selectors.meetings_visible_to(side.actor(side.member)).count() == 1
    assert selectors.meetings_visible_to(side.actor(side.outsider)).count() == 0


def test_a_contact_sees_only_the_meetings_they_are_invited_to(world):
    side = world.one
    invited = schedule(side)
    schedule(side, contact_ids=[], title="Internal prep")
    other = factories.portal_contact(side.client_a)
    contact = side.contact_actor(side.contact_a)
    assert list(selectors.meetings_visible_to(contact)) == [invited]
    assert not selectors.meetings_visible_to(side.contact_actor(other)).exists()
    assert not selectors.meetings_visible_to(world.two.contact_actor(world.two.contact_a)).exists()


def test_published_minutes_never_carry_the_internal_notes(world):
    side = world.one
    meeting = held(side)
    version = services.minutes_publish(actor=side.actor(side.pm), meeting=meeting)
    assert version.number == 1
    assert "budget" not in str(version.content)  # the internal notes mention the budget
    assert version.content["summary"] == "We agreed the launch plan."
    assert version.content["present"]["client"] == [side.contact_a.full_name]
    email = OutboundEmail.objects.get(kind="minutes_published", to=side.contact_a.email)
    assert "budget" not in email.body_text and "please confirm" in email.subject
    with pytest.raises(ValidationError, match="Nothing changed"):
        services.minutes_publish(actor=side.actor(side.pm), meeting=meeting)


def test_a_client_attendee_confirms_once(world):
    side = world.one
    meeting = held(side)
    services.minutes_publish(actor=side.actor(side.pm), meeting=meeting)
    contact = side.contact_actor(side.contact_a)
    response = services.minutes_respond(actor=contact, meeting=meeting, confirm=True)
    assert response.kind == MinutesResponse.Kind.CONFIRMED
    with pytest.raises(ValidationError, match="You confirmed version 1 of these minutes on"):
        services.minutes_respond(actor=contact, meeting=meeting, confirm=True)
    with pytest.raises(ValidationError, match="recorded once"):
        services.minutes_respond(actor=contact, meeting=meeting, confirm=False, comment="x")
    assert MinutesResponse.objects.count() == 1
    assert AuditEvent.objects.filter(action="minutes_confirmed").count() == 1


def test_a_correction_proposal_says_what_and_reaches_the_organiser(world):
    side = world.one
    meeting = held(side)
    services.minutes_publish(actor=side.actor(side.pm), meeting=meeting)
    contact = side.contact_actor(side.contact_a)
    with pytest.raises(ValidationError) as error:
        services.minutes_respond(actor=contact, meeting=meeting, confirm=False, comment=" ")
    assert error.value.message_dict == {"comment": ["Say what should be corrected."]}
    services.minutes_respond(
        actor=contact, meeting=meeting, confirm=False, comment="The launch is on the 12th."
    )
    email = OutboundEmail.objects.get(kind="minutes_correction")
    assert email.to == side.pm.email and "The launch is on the 12th." in email.body_text


def test_only_invited_contacts_answer_and_only_within_the_window(world):
    side = world.one
    meeting = held(side)
    version = services.minutes_publish(actor=side.actor(side.pm), meeting=meeting)
    stranger = factories.portal_contact(side.client_a)
    with pytest.raises(ValidationError, match="Only the client's attendees"):
        services.minutes_respond(actor=side.contact_actor(stranger), meeting=meeting, confirm=True)
    MinutesVersion.objects.filter(pk=version.pk).update(
        confirm_by=timezone.now() - timedelta(minutes=1)
    )
    with pytest.raises(ValidationError, match="The time to answer ended"):
        services.minutes_respond(
            actor=side.contact_actor(side.contact_a), meeting=meeting, confirm=True
        )
    assert not MinutesResponse.objects.exists()


def test_editing_confirmed_minutes_publishes_a_correction_and_keeps_the_original(world):
    side = world.one
    meeting = held(side)
    first = services.minutes_publish(actor=side.actor(side.pm), meeting=meeting)
    services.minutes_respond(
        actor=side.contact_actor(side.contact_a), meeting=meeting, confirm=True
    )
    edit = {
        "present_user_ids": [side.pm.pk, side.member.pk],
        "present_contact_ids": [side.contact_a.pk],
        "summary": "We agreed the launch plan; the launch moves to the 12th.",
    }
    with pytest.raises(ValidationError) as error:
        services.minutes_record(actor=side.actor(side.pm), meeting=meeting, **edit)
    assert "say what your correction changes" in error.value.message_dict["reason"][0]
    meeting.refresh_from_db()
    assert meeting.minutes.summary == "We agreed the launch plan."  # nothing half-written

    services.minutes_record(
        actor=side.actor(side.pm), meeting=meeting, reason="The launch date was wrong.", **edit
    )
    first.refresh_from_db()
    second = MinutesVersion.objects.get(minutes__meeting=meeting, number=2)
    assert second.corrects == first and second.reason == "The launch date was wrong."
    assert first.content["summary"] == "We agreed the launch plan."
    assert second.content["summary"].endswith("moves to the 12th.")
    assert first.responses.get().kind == "confirmed"
    assert not second.responses.exists()
    # the contact confirms the new version too
    services.minutes_respond(
        actor=side.contact_actor(side.contact_a), meeting=meeting, confirm=True
    )
    assert second.responses.count() == 1
    # internal notes change without a correction
    services.minutes_record(
        actor=side.actor(side.pm),
        meeting=meeting,
        internal_notes="Follow up on the budget privately.",
        **edit,
    )
    assert MinutesVersion.objects.filter(minutes__meeting=meeting).count() == 2


def test_decisions_say_who_decided(world):
    side = world.one
    meeting = schedule(side)
    with pytest.raises(ValidationError, match="Record the minutes"):
        services.decision_record(
            actor=side.actor(side.pm), meeting=meeting, text="Go", decided_by_user_id=side.pm.pk
        )
    meeting = held(side)
    with pytest.raises(ValidationError) as error:
        services.decision_record(actor=side.actor(side.pm), meeting=meeting, text="Go live")
    assert "decided_by" in error.value.message_dict
    decision = services.decision_record(
        actor=side.actor(side.pm),
        meeting=meeting,
        text="Go live on the 12th",
        decided_by_contact_id=side.contact_a.pk,
    )
    assert decision.decided_by == side.contact_a
    with pytest.raises(ValidationError):
        services.decision_record(
            actor=side.actor(side.pm),
            meeting=meeting,
            text="Go",
            decided_by_contact_id=side.contact_b.pk,  # another client's contact
        )
    assert Decision.objects.count() == 1


def test_an_action_item_has_exactly_one_owner(world):
    side = world.one
    meeting = held(side)
    due = timezone.localdate() + timedelta(days=7)
    pm = side.actor(side.pm)
    kwargs = {"actor": pm, "project": side.project_a, "meeting": meeting, "what": "Send the plan"}
    with pytest.raises(ValidationError) as error:
        services.action_item_create(**kwargs, due_date=due)
    assert error.value.message_dict == {
        "owner": ["Choose who owns it: a team member or a client contact."]
    }
    with pytest.raises(ValidationError, match="Choose one owner"):
        services.action_item_create(
            **kwargs, due_date=due, owner_user_id=side.pm.pk, owner_contact_id=side.contact_a.pk
        )
    with pytest.raises(ValidationError, match="Choose contacts of"):
        services.action_item_create(**kwargs, due_date=due, owner_contact_id=side.contact_b.pk)
    with pytest.raises(ValidationError, match="Choose members of your organisation"):
        services.action_item_create(**kwargs, due_date=due, owner_user_id=world.two.pm.pk)
    assert not ActionItem.objects.exists()
    item = services.action_item_create(**kwargs, due_date=due, owner_contact_id=side.contact_a.pk)
    assert item.owner == side.contact_a and not item.is_overdue


def test_a_due_date_in_the_past_is_warned_and_recorded_when_confirmed(world):
    side = world.one
    meeting = held(side)
    yesterday = timezone.localdate() - timedelta(days=1)
    kwargs = {
        "actor": side.actor(side.pm),
        "project": side.project_a,
        "meeting": meeting,
        "what": "Send the minutes",
        "owner_user_id": side.member.pk,
        "due_date": yesterday,
    }
    with pytest.raises(ValidationError) as error:
        services.action_item_create(**kwargs)
    assert "is in the past" in error.value.message_dict["due_date"][0]
    assert not ActionItem.objects.exists()
    item = services.action_item_create(**kwargs, confirm_past_due=True)
    assert item.is_overdue and item.overdue_days() == 1
    event = AuditEvent.objects.get(
        action="created", object_id=str(item.pk), content_type__model="actionitem"
    )
    assert event.changes["past_due_confirmed"] == [None, True]


def test_an_owner_closes_with_a_note_once(world):
    side = world.one
    meeting = held(side)
    item = services.action_item_create(
        actor=side.actor(side.pm),
        project=side.project_a,
        meeting=meeting,
        what="Share the test accounts",
        owner_contact_id=side.contact_a.pk,
        due_date=timezone.localdate() + timedelta(days=3),
    )
    contact = side.contact_actor(side.contact_a)
    assert list(selectors.action_item_list(actor=contact)) == [item]
    with pytest.raises(ValidationError, match="Say what was done"):
        services.action_item_close(actor=contact, action_item=item, note=" ")
    services.action_item_close(actor=contact, action_item=item, note="Sent on Monday.")
    item.refresh_from_db()
    assert item.status == ActionItem.Status.DONE and item.closed_by_contact == side.contact_a
    with pytest.raises(ValidationError, match="It was closed on"):
        services.action_item_close(actor=contact, action_item=item, note="again")
    # the team member cannot close someone else's; another contact does not even see it
    other = services.action_item_create(
        actor=side.actor(side.pm),
        project=side.project_a,
        what="Book the room",
        owner_user_id=side.pm.pk,
        due_date=timezone.localdate(),
    )
    with pytest.raises(PermissionDenied):
        services.action_item_close(actor=side.actor(side.member), action_item=other, note="x")
    stranger = factories.portal_contact(side.client_a)
    assert not selectors.action_item_list(actor=side.contact_actor(stranger)).exists()


def test_the_next_agenda_proposes_what_is_still_open(world):
    side = world.one
    earlier = held(side, start=(timezone.now() - timedelta(days=7)).replace(microsecond=0))
    action = services.action_item_create(
        actor=side.actor(side.pm),
        project=side.project_a,
        meeting=earlier,
        what="Send the revised timeline",
        owner_contact_id=side.contact_a.pk,
        due_date=timezone.localdate() - timedelta(days=2),
        confirm_past_due=True,
    )
    change_request = change_services.change_request_create(
        actor=side.actor(side.pm),
        project=side.project_a,
        title="More reports",
        description="Weekly exports",
        submit=True,
    )
    change_services.change_request_create(
        actor=side.actor(side.pm), project=side.project_a, title="Draft", description="x"
    )
    upcoming = schedule(side, start=(timezone.now() + timedelta(days=1)).replace(microsecond=0))
    proposals = selectors.agenda_proposals(meeting=upcoming)
    keys = {(p.source, p.object_id) for p in proposals}
    assert keys == {
        ("action_item", action.pk),
        ("milestone", side.baseline["milestone"].pk),  # the internal milestone is not proposed
        ("change_request", change_request.pk),  # the draft is not
    }
    overdue = next(p for p in proposals if p.source == "action_item")
    assert overdue.overdue_days == 2
    carried = scheduling.agenda_item_carry(
        actor=side.actor(side.pm), meeting=upcoming, source="action_item", object_id=action.pk
    )
    assert carried.owner_contact == side.contact_a and carried.title == action.what
    assert ("action_item", action.pk) not in {
        (p.source, p.object_id) for p in selectors.agenda_proposals(meeting=upcoming)
    }
    with pytest.raises(ValidationError, match="on the agenda already"):
        scheduling.agenda_item_carry(
            actor=side.actor(side.pm), meeting=upcoming, source="action_item", object_id=action.pk
        )
    assert AgendaItem.objects.filter(meeting=upcoming).count() == 1


def test_a_meeting_that_ends_before_it_starts_is_refused(world):
    side = world.one
    with pytest.raises(ValidationError) as error:
        schedule(side, start=datetime(2027, 1, 5, 10), end=datetime(2027, 1, 5, 9, 30))
    assert error.value.message_dict == {
        "end": ["The meeting ends before it starts: choose an end after the start."]
    }
    assert not Meeting.objects.exists() and not OutboundEmail.objects.exists()


def test_attendees_from_another_client_are_refused(world):
    side = world.one
    with pytest.raises(ValidationError) as error:
        schedule(side, contact_ids=[side.contact_a.pk, side.contact_b.pk])
    assert error.value.message_dict == {
        "client_attendees": [f"Choose contacts of {side.client_a.name}."]
    }
    with pytest.raises(ValidationError):
        schedule(side, attendee_ids=[world.two.member.pk])
    with pytest.raises(ValidationError):
        schedule(side, contact_ids=[2**70])
    assert not Meeting.objects.exists() and not OutboundEmail.objects.exists()


def test_the_agenda_total_is_shown_against_the_meeting_length(world, login_as):
    side = world.one
    meeting = schedule(side, start=(timezone.now() + timedelta(days=1)).replace(microsecond=0))
    for title, minutes in (("Progress", 30), ("Risks", 40)):
        scheduling.agenda_item_add(
            actor=side.actor(side.pm), meeting=meeting, title=title, time_box=minutes
        )
    page = login_as(side.pm).get(f"/app/projects/{side.project_a.pk}/meetings/{meeting.number}/")
    content = page.content.decode()
    assert "70 of 60 minutes planned." in content
    assert "The agenda runs 10 minutes over." in content
