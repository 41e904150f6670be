"""Meetings, agenda items and action items through the API, and the client's side through the
portal API: clear 422s for bad input, nothing written when refused."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import Client as HttpClient
from django.utils import timezone

from rapport.meetings import minutes as minutes_services
from rapport.meetings.models import ActionItem, Meeting
from rapport.tenancy.services import api_token_create, contact_api_token_create
from tests.meetings.helpers import held

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
