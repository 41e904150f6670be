"""Action items live on after the meeting: each owner sees theirs, overdue ones are flagged,
reminded by email once a day and listed in the next status report; the minutes export as PDF."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from pypdf import PdfReader

from rapport.meetings import minutes as services
from rapport.meetings import reminders
from rapport.meetings.models import ActionItem
from rapport.meetings.tasks import remind_overdue_action_items
from rapport.notify.models import OutboundEmail
from rapport.notify.services import email_deliver
from rapport.reports import services as reports
from tests.meetings.helpers import held

pytestmark = pytest.mark.django_db

LOCMEM = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}


def _action(side, meeting, *, days: int, **owner):
    return services.action_item_create(
        actor=side.actor(side.pm),
        project=side.project_a,
        meeting=meeting,
        what=f"Action due in {days} days",
        due_date=timezone.localdate() + timedelta(days=days),
        confirm_past_due=days < 0,
        **owner,
    )


def _pdf_text(content: bytes) -> str:
    return " ".join(
        " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages).split()
    )


def test_overdue_action_items_are_reminded_once_a_day_per_owner(world):
    side = world.one
    meeting = held(side)
    side.contact_a.language = "zh-hans"
    side.contact_a.save(update_fields=["language"])
    late = _action(side, meeting, days=-3, owner_contact_id=side.contact_a.pk)
    _action(side, meeting, days=-1, owner_contact_id=side.contact_a.pk)
    _action(side, meeting, days=-2, owner_user_id=side.member.pk)
    _action(side, meeting, days=2, owner_user_id=side.member.pk)  # not due yet
    done = _action(side, meeting, days=-5, owner_user_id=side.pm.pk)
    services.action_item_close(actor=side.actor(side.pm), action_item=done, note="Done")

    assert reminders.send_due(today=timezone.localdate()) == 2
    emails = OutboundEmail.objects.filter(kind="action_items_overdue").order_by("to")
    by_owner = {email.to: email for email in emails}
    assert set(by_owner) == {side.contact_a.email, side.member.email}
    contact_email = by_owner[side.contact_a.email]
    assert contact_email.language == "zh-hans"
    assert (
        late.what in contact_email.body_text and "/portal/action-items/" in contact_email.body_text
    )
    assert "Action due in -2 days" in by_owner[side.member.email].body_text
    assert "Action due in 2 days" not in by_owner[side.member.email].body_text
    # the same day again: nothing more; the next day: again
    assert remind_overdue_action_items.call() == 0
    assert reminders.send_due(today=timezone.localdate() + timedelta(days=1)) == 2
    assert (
        ActionItem.objects.filter(reminded_on=timezone.localdate() + timedelta(days=1)).count() == 3
    )


def test_nothing_is_sent_when_nothing_is_overdue(world):
    side = world.one
    meeting = held(side)
    _action(side, meeting, days=0, owner_user_id=side.member.pk)  # due today is not overdue
    assert reminders.send_due(today=timezone.localdate()) == 0
    assert not OutboundEmail.objects.filter(kind="action_items_overdue").exists()


def test_the_next_status_report_lists_the_overdue_action_items(world):
    side = world.one
    meeting = held(side)
    _action(side, meeting, days=-4, owner_contact_id=side.contact_a.pk)
    _action(side, meeting, days=-2, owner_user_id=side.member.pk)
    _action(side, meeting, days=3, owner_user_id=side.member.pk)
    today = timezone.localdate()
    report = reports.report_draft(
        actor=side.actor(side.pm),
        project=side.project_a,
        period_start=today - timedelta(days=7),
        period_end=today,
    )
    overdue = report.data["action_items_overdue"]
    assert [(item["owner"], item["overdue_days"], item["client"]) for item in overdue] == [
        (side.contact_a.full_name, 4, True),
        (side.member.full_name, 2, False),
    ]
    assert "Action item “Action due in -4 days”" in report.asks
    assert "4 days late" in report.asks
    assert "Overdue action item of the team: “Action due in -2 days”" in report.next_steps


def test_the_minutes_pdf_is_what_the_client_reads(world, login_as):
    side = world.one
    meeting = held(side)
    _action(side, meeting, days=4, owner_contact_id=side.contact_a.pk)
    url = f"/projects/{side.project_a.pk}/meetings/{meeting.number}/minutes/pdf/"
    draft = login_as(side.member).get(f"/app{url}")
    assert draft["Content-Type"] == "application/pdf"
    text = _pdf_text(draft.content)
    assert "Draft: not yet published" in text and "We agreed the launch plan." in text
    assert "budget" not in text  # the internal notes stay internal
    # nothing published: the portal has no PDF
    assert login_as(side.contact_a.user).get(f"/portal{url}").status_code == 404
    services.minutes_publish(actor=side.actor(side.pm), meeting=meeting)
    published = login_as(side.contact_a.user).get(f"/portal{url}")
    assert published.status_code == 200
    text = _pdf_text(published.content)
    assert "Version 1, published on" in text and "Action due in 4 days" in text
    assert "budget" not in text


def test_the_published_minutes_email_carries_the_pdf_in_the_readers_language(world, settings):
    settings.MAILERS = LOCMEM
    side = world.one
    side.contact_a.language = "zh-hans"
    side.contact_a.save(update_fields=["language"])
    meeting = held(side)
    services.minutes_publish(actor=side.actor(side.pm), meeting=meeting)
    outbound = OutboundEmail.objects.get(kind="minutes_published")
    delivered = email_deliver(email_id=outbound.pk)
    assert delivered.status == OutboundEmail.Status.SENT, delivered.error
    [(name, content, mimetype)] = mail.outbox[0].attachments
    assert mimetype == "application/pdf" and name.endswith("-minutes-v1.pdf")
    assert "摘要" in _pdf_text(content)  # "Summary", in the reader's language


def test_the_past_due_warning_in_the_form(world, login_as):
    side = world.one
    meeting = held(side)
    http = login_as(side.pm)
    url = f"/app/projects/{side.project_a.pk}/meetings/{meeting.number}/action-items/new/"
    data = {
        "what": "Send the slides",
        "owner": f"u:{side.member.pk}",
        "due_date": (timezone.localdate() - timedelta(days=2)).isoformat(),
    }
    warned = http.post(url, data)
    assert warned.status_code == 200
    assert (
        "is in the past: the action item would be overdue from the start" in warned.content.decode()
    )
    assert not ActionItem.objects.exists()
    confirmed = http.post(url, {**data, "confirm_past_due": "on"})
    assert confirmed.status_code == 302
    assert ActionItem.objects.get().overdue_days() == 2
    no_owner = http.post(url, {**data, "owner": "", "confirm_past_due": "on"})
    assert "Choose who owns it: a team member or a client contact." in no_owner.content.decode()


def test_a_contact_closes_their_action_item_in_the_portal(world, login_as):
    side = world.one
    meeting = held(side)
    item = _action(side, meeting, days=-1, owner_contact_id=side.contact_a.pk)
    http = login_as(side.contact_a.user)
    listing = http.get("/portal/action-items/").content.decode()
    assert item.what in listing and "overdue by 1 day" in listing
    empty = http.post(f"/portal/action-items/{item.pk}/close/", {"note": ""})
    assert empty.status_code == 200 and ActionItem.objects.get().is_open
    closed = http.post(f"/portal/action-items/{item.pk}/close/", {"note": "Sent them today"})
    assert closed.status_code == 302
    item.refresh_from_db()
    assert item.status == "done" and item.closed_note == "Sent them today"
    again = http.post(f"/portal/action-items/{item.pk}/close/", {"note": "Again"})
    assert "It was closed on" in again.content.decode()


def test_someone_who_left_the_organisation_is_not_reminded(world):
    from rapport.tenancy.models import Membership

    side = world.one
    meeting = held(side)
    _action(side, meeting, days=-2, owner_user_id=side.member.pk)
    Membership.objects.filter(user=side.member, organisation=side.organisation).delete()
    assert reminders.send_due(today=timezone.localdate()) == 0
    assert not OutboundEmail.objects.filter(kind="action_items_overdue").exists()
