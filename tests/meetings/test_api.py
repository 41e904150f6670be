"""Meetings, agenda items and action items through the API, and the client's side through the
portal API: clear 422s for bad input, nothing written when refused."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import Client as HttpClient
from django.utils import timezone

from rapport.audit.models import AuditEvent
from rapport.meetings import minutes as minutes_services
from rapport.meetings import services
from rapport.meetings.models import ActionItem, Meeting, Minutes, MinutesVersion
from rapport.meetings.models import Decision as MeetingDecision
from rapport.notify.models import OutboundEmail
from rapport.tenancy.services import api_token_create, contact_api_token_create
from tests.meetings.helpers import held, schedule

pytestmark = pytest.mark.django_db


def _api(side, role: str = "pm"):
    _token, secret = api_token_create(actor=side.actor(getattr(side, role)), name="test")
    headers = {"Authorization": f"Bearer {secret}"}
    http = HttpClient()

    def call(method: str, path: str, body: dict | None = None):
        return http.generic(
            method,
            f"/api/v1{path}",
            data="" if body is None else json.dumps(body),
            content_type="application/json",
            headers=headers,
        )

    return call


def _portal(side):
    _token, secret = contact_api_token_create(actor=side.contact_actor(side.contact_a), name="test")
    headers = {"Authorization": f"Bearer {secret}"}
    http = HttpClient()

    def call(method: str, path: str, body: dict | None = None):
        return http.generic(
            method,
            f"/api/v1/portal{path}",
            data="" if body is None else json.dumps(body),
            content_type="application/json",
            headers=headers,
        )

    return call


def test_schedule_reschedule_and_add_to_the_agenda(world):
    side = world.one
    api = _api(side)
    base = f"/projects/{side.project_a.pk}/meetings"
    created = api(
        "POST",
        base,
        {
            "title": "Steering",
            "kind": "steering",
            "start": "2027-03-30T15:30:00",
            "end": "2027-03-30T17:00:00",
            "time_zone": "Asia/Shanghai",
            "contact_ids": [side.contact_a.pk],
        },
    )
    assert created.status_code == 201, created.content
    meeting = created.json()
    assert meeting["start"].startswith("2027-03-30T07:30:00")  # stored in UTC
    assert meeting["time_zone"] == "Asia/Shanghai" and meeting["sequence"] == 0
    moved = api(
        "PATCH",
        f"{base}/{meeting['number']}",
        {"start": "2027-03-31T09:00:00+08:00", "end": "2027-03-31T10:00:00+08:00"},
    )
    assert moved.status_code == 200, moved.content
    assert moved.json()["sequence"] == 1 and moved.json()["uid"] == meeting["uid"]
    item = api(
        "POST",
        f"{base}/{meeting['number']}/agenda-items",
        {"title": "Budget", "time_box": 20, "owner_contact_id": side.contact_a.pk},
    )
    assert item.status_code == 201 and item.json()["owner_contact_id"] == side.contact_a.pk
    listed = api("GET", f"{base}/{meeting['number']}/agenda-items")
    assert [i["title"] for i in listed.json()] == ["Budget"]


def test_bad_meetings_are_refused_with_the_field_named(world):
    side = world.one
    api = _api(side)
    base = f"/projects/{side.project_a.pk}/meetings"
    good = {
        "title": "Steering",
        "start": "2027-03-30T15:30:00",
        "end": "2027-03-30T17:00:00",
        "time_zone": "Asia/Shanghai",
    }
    backwards = api("POST", base, {**good, "end": "2027-03-30T15:00:00"})
    assert backwards.status_code == 422
    assert backwards.json()["errors"] == [
        {
            "field": "end",
            "message": "The meeting ends before it starts: choose an end after the start.",
        }
    ]
    foreign = api("POST", base, {**good, "contact_ids": [side.contact_b.pk]})
    assert foreign.status_code == 422
    assert foreign.json()["errors"][0]["field"] == "client_attendees"
    unknown_zone = api("POST", base, {**good, "time_zone": "Mars/Olympus"})
    assert unknown_zone.json()["errors"] == [
        {"field": "time_zone", "message": "Choose a time zone."}
    ]
    assert not Meeting.objects.exists()
    member = _api(side, "member")("POST", base, good)
    assert member.status_code == 403


def test_action_items_warn_about_a_past_due_date_and_close_with_a_note(world):
    side = world.one
    meeting = held(side)
    api = _api(side)
    base = f"/projects/{side.project_a.pk}/action-items"
    body = {
        "what": "Send the slides",
        "due_date": (timezone.localdate() - timedelta(days=1)).isoformat(),
        "owner_contact_id": side.contact_a.pk,
        "meeting_number": meeting.number,
    }
    warned = api("POST", base, body)
    assert warned.status_code == 422
    assert "is in the past" in warned.json()["errors"][0]["message"]
    no_owner = api("POST", base, {**body, "owner_contact_id": None, "confirm_past_due": True})
    assert no_owner.json()["errors"] == [
        {"field": "owner", "message": "Choose who owns it: a team member or a client contact."}
    ]
    assert not ActionItem.objects.exists()
    created = api("POST", base, {**body, "confirm_past_due": True})
    assert created.status_code == 201
    assert (
        created.json()["overdue_days"] == 1 and created.json()["meeting_number"] == meeting.number
    )

    portal = _portal(side)
    mine = portal("GET", "/action-items")
    assert [item["what"] for item in mine.json()["items"]] == ["Send the slides"]
    item_id = created.json()["id"]
    closed = portal("POST", f"/action-items/{item_id}/close", {"note": "Sent"})
    assert closed.status_code == 200 and closed.json()["status"] == "done"
    again = portal("POST", f"/action-items/{item_id}/close", {"note": "Sent"})
    assert again.status_code == 422 and "It was closed on" in again.json()["errors"][0]["message"]


def test_the_client_reads_published_minutes_and_confirms_once(world):
    side = world.one
    meeting = held(side)
    portal = _portal(side)
    path = f"/projects/{side.project_a.pk}/meetings/{meeting.number}"
    before = portal("GET", path).json()
    assert before["minutes"] is None
    assert portal("POST", f"{path}/minutes/answer", {"answer": "confirm"}).status_code == 422
    minutes_services.minutes_publish(actor=side.actor(side.pm), meeting=meeting)
    after = portal("GET", path).json()
    assert after["minutes"]["version"] == 1
    assert "internal_notes" not in after["minutes"]["content"]
    assert "budget" not in str(after)
    confirmed = portal("POST", f"{path}/minutes/answer", {"answer": "confirm"})
    assert confirmed.status_code == 200 and confirmed.json()["answer"] == "confirmed"
    twice = portal("POST", f"{path}/minutes/answer", {"answer": "confirm"})
    assert twice.status_code == 422
    assert "recorded once" in twice.json()["errors"][0]["message"]


def test_minutes_are_written_published_and_corrected_through_the_api(world):
    side = world.one
    meeting = schedule(side)
    agenda = services.agenda_item_add(
        actor=side.actor(side.pm), meeting=meeting, title="Budget", time_box=10
    )
    api = _api(side)
    path = f"/projects/{side.project_a.pk}/meetings/{meeting.number}/minutes"
    before = api("GET", f"{path}/draft")
    assert before.status_code == 200 and before.json()["recorded"] is False
    body = {
        "present_user_ids": [side.pm.pk],
        "present_contact_ids": [side.contact_a.pk],
        "summary": "Agreed the launch plan.",
        "notes": [{"agenda_item_id": agenda.pk, "notes": "Within budget."}],
        "internal_notes": "Sponsor seemed tired.",
        "confirm_days": 3,
    }
    recorded = api("PUT", f"{path}/draft", body)
    assert recorded.status_code == 200, recorded.content
    minutes = recorded.json()
    assert minutes["recorded"] and minutes["meeting_state"] == "held"
    assert minutes["notes"] == [
        {"agenda_item_id": agenda.pk, "title": "Budget", "notes": "Within budget."}
    ]
    assert minutes["unpublished_changes"] and minutes["published_version"] is None
    assert AuditEvent.objects.filter(action="minutes_recorded").count() == 1

    published = api("POST", f"{path}/publish", {})
    assert published.status_code == 201, published.content
    assert published.json()["number"] == 1 and published.json()["content"]["summary"] == (
        "Agreed the launch plan."
    )
    assert "Sponsor" not in str(published.json())
    asked = OutboundEmail.objects.filter(to=side.contact_a.email)
    assert asked.exists()  # the client attendees are asked to confirm
    unchanged = api("POST", f"{path}/publish", {})
    assert unchanged.status_code == 422 and "Nothing changed" in str(unchanged.json())

    # internal notes change freely; what the client reads needs a reason, then is a correction
    internal = api("PUT", f"{path}/draft", {**body, "internal_notes": "Call the sponsor."})
    assert internal.status_code == 200 and internal.json()["published_version"] == 1
    corrected = {**body, "summary": "Agreed the launch plan for May."}
    no_reason = api("PUT", f"{path}/draft", corrected)
    assert no_reason.status_code == 422
    assert no_reason.json()["errors"][0]["field"] == "reason"
    assert MinutesVersion.objects.count() == 1
    with_reason = api("PUT", f"{path}/draft", {**corrected, "reason": "The month was missing."})
    assert with_reason.json()["published_version"] == 2
    assert not with_reason.json()["unpublished_changes"]


def test_minutes_refuse_foreign_people_and_stale_writes(world):
    side = world.one
    meeting = schedule(side)
    api = _api(side)
    path = f"/projects/{side.project_a.pk}/meetings/{meeting.number}/minutes/draft"
    foreign = api("PUT", path, {"present_contact_ids": [world.two.contact_a.pk]})
    assert foreign.status_code == 422
    assert foreign.json()["errors"][0]["field"] == "present_contact_ids"
    outsider = api("PUT", path, {"present_user_ids": [world.two.pm.pk]})
    assert outsider.json()["errors"][0]["field"] == "present_user_ids", outsider.json()
    other_agenda = services.agenda_item_add(
        actor=side.actor(side.pm), meeting=schedule(side), title="Elsewhere"
    )
    wrong_item = api("PUT", path, {"notes": [{"agenda_item_id": other_agenda.pk, "notes": "x"}]})
    assert wrong_item.json()["errors"][0]["field"] == "notes"
    too_long = api("PUT", path, {"confirm_days": 61})
    assert too_long.status_code == 422 and too_long.json()["errors"][0]["field"] == "confirm_days"
    assert not Minutes.objects.exists()
    assert _api(side, "member")("PUT", path, {}).status_code == 403
    assert _api(world.two)("PUT", path, {}).status_code == 404

    later = schedule(side, start=timezone.now() + timedelta(days=2))
    early = api("PUT", f"/projects/{side.project_a.pk}/meetings/{later.number}/minutes/draft", {})
    assert early.status_code == 422 and "once the meeting has started" in str(early.json())

    etag = api("GET", path)["ETag"]
    assert api("PUT", path, {"summary": "First"}).status_code == 200
    stale = _conditional(side, "PUT", path, {"summary": "Second"}, etag)
    assert stale.status_code == 412
    assert Minutes.objects.get().summary == "First"


def test_agenda_items_and_decisions_are_edited_and_removed(world):
    side = world.one
    meeting = held(side)
    api = _api(side)
    base = f"/projects/{side.project_a.pk}/meetings/{meeting.number}"
    item = api("POST", f"{base}/agenda-items", {"title": "Budget"}).json()
    url = f"{base}/agenda-items/{item['id']}"
    moved = api("PATCH", url, {"time_box": 25, "owner_contact_id": side.contact_a.pk})
    assert moved.status_code == 200, moved.content
    assert moved.json()["time_box"] == 25 and moved.json()["owner_contact_id"] == side.contact_a.pk
    assert moved.json()["title"] == "Budget"
    foreign = api("PATCH", url, {"owner_contact_id": world.two.contact_a.pk})
    assert foreign.status_code == 422 and foreign.json()["errors"][0]["field"] == "owner"
    two = api("PATCH", url, {"owner_user_id": side.pm.pk, "owner_contact_id": side.contact_a.pk})
    assert two.status_code == 422
    assert api("GET", url).json()["owner_contact_id"] == side.contact_a.pk
    assert _api(side, "member")("PATCH", url, {"title": "Mine"}).status_code == 403
    assert _api(world.two)("GET", url).status_code == 404
    assert api("DELETE", url).status_code == 204
    assert api("GET", url).status_code == 404

    decision = api(
        "POST", f"{base}/decisions", {"text": "Ship", "decided_by_user_id": side.pm.pk}
    ).json()
    decision_url = f"{base}/decisions/{decision['id']}"
    assert api("GET", decision_url).json()["text"] == "Ship"
    assert _api(side, "member")("DELETE", decision_url).status_code == 403
    assert api("DELETE", decision_url).status_code == 204
    assert not MeetingDecision.objects.exists()
    assert AuditEvent.objects.filter(action="deleted", object_repr="Ship").exists()


def _conditional(side, method: str, path: str, body: dict, etag: str):
    _token, secret = api_token_create(actor=side.actor(side.pm), name="conditional")
    return HttpClient().generic(
        method,
        f"/api/v1{path}",
        data=json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}", "If-Match": etag},
    )


def test_open_action_items_are_carried_over_to_the_next_agenda(world):
    side = world.one
    earlier = held(side)
    action = minutes_services.action_item_create(
        actor=side.actor(side.pm),
        project=side.project_a,
        meeting=earlier,
        what="Send the revised plan",
        owner_contact_id=side.contact_a.pk,
        due_date=timezone.localdate() + timedelta(days=2),
    )
    upcoming = schedule(side, start=(timezone.now() + timedelta(days=1)).replace(microsecond=0))
    api = _api(side)
    base = f"/projects/{side.project_a.pk}/meetings/{upcoming.number}"
    proposals = api("GET", f"{base}/agenda-proposals")
    assert proposals.status_code == 200
    assert {"source": "action_item", "object_id": action.pk} in [
        {"source": p["source"], "object_id": p["object_id"]} for p in proposals.json()["items"]
    ]
    assert _api(side, "member")("GET", f"{base}/agenda-proposals").status_code == 403
    by_overdue = api("GET", f"{base}/agenda-proposals?ordering=-overdue_days").json()["items"]
    assert [p["overdue_days"] for p in by_overdue] == sorted(
        (p["overdue_days"] for p in by_overdue), reverse=True
    )

    carried = api(
        "POST", f"{base}/agenda-items/carry", {"source": "action_item", "object_id": action.pk}
    )
    assert carried.status_code == 201, carried.content
    assert carried.json()["source"] == "action_item"
    assert carried.json()["title"] == "Send the revised plan"
    assert carried.json()["owner_contact_id"] == side.contact_a.pk
    left = api("GET", f"{base}/agenda-proposals").json()["items"]
    assert ("action_item", action.pk) not in [(p["source"], p["object_id"]) for p in left]

    again = api(
        "POST", f"{base}/agenda-items/carry", {"source": "action_item", "object_id": action.pk}
    )
    assert again.status_code == 422
    assert again["Content-Type"] == "application/problem+json"
    assert again.json()["errors"][0]["message"] == "It is on the agenda already."
    foreign = api(
        "POST",
        f"{base}/agenda-items/carry",
        {"source": "milestone", "object_id": side.baseline["milestone"].pk + 10_000},
    )
    assert foreign.status_code == 422
    assert foreign.json()["errors"] == [
        {"field": "source", "message": "Choose a milestone of this project."}
    ]
    member = _api(side, "member")(
        "POST",
        f"{base}/agenda-items/carry",
        {"source": "milestone", "object_id": side.baseline["milestone"].pk},
    )
    assert member.status_code == 403
    assert upcoming.agenda_items.count() == 1


def test_the_invitation_is_sent_again_with_the_agenda_as_it_is_now(world):
    side = world.one
    upcoming = schedule(side, start=(timezone.now() + timedelta(days=1)).replace(microsecond=0))
    services.agenda_item_add(
        actor=side.actor(side.pm), meeting=upcoming, title="Launch readiness", time_box=20
    )
    api = _api(side)
    base = f"/projects/{side.project_a.pk}/meetings/{upcoming.number}"
    sent_before = OutboundEmail.objects.filter(to=side.contact_a.email).count()

    assert _api(side, "member")("POST", f"{base}/send-update").status_code == 403
    resent = api("POST", f"{base}/send-update")
    assert resent.status_code == 200, resent.content
    assert resent.json()["sequence"] == 1
    update = OutboundEmail.objects.filter(to=side.contact_a.email).order_by("pk").last()
    assert OutboundEmail.objects.filter(to=side.contact_a.email).count() == sent_before + 1
    assert "Launch readiness" in update.body_text
    assert AuditEvent.objects.filter(action="invitation_sent", object_id=str(upcoming.pk)).exists()

    api("POST", f"{base}/cancel", {"reason": "Holiday"})
    refused = api("POST", f"{base}/send-update")
    assert refused.status_code == 422
    assert refused["Content-Type"] == "application/problem+json"
    assert "only a scheduled meeting can change" in refused.json()["errors"][0]["message"]
