"""The API reaches every capability: the audit trail, decisions on change requests and in
meetings, minutes, recorded feedback, surveys and single action items."""

from datetime import timedelta

import pytest
from django.test import Client as HttpClient
from django.utils import timezone

from rapport.audit.models import AuditEvent
from rapport.changes import services as cr_services
from rapport.feedback import services as feedback_services
from rapport.feedback.models import Feedback
from rapport.meetings import minutes as minutes_services
from rapport.meetings import services as meeting_services
from rapport.tenancy import services
from tests.conftest import Side

pytestmark = pytest.mark.django_db


def _api(side: Side, user) -> HttpClient:
    _token, secret = services.api_token_create(actor=side.actor(user), name="tests")
    return HttpClient(headers={"Authorization": f"Bearer {secret}"})


def test_audit_trail_is_read_by_admins_filtered_and_paginated(world):
    side = world.one
    pm_api = _api(side, side.pm)
    pm_api.patch(
        f"/api/v1/projects/{side.project_a.pk}",
        {"name": "Renamed by the API"},
        content_type="application/json",
    )
    admin_api = _api(side, side.admin)

    body = admin_api.get(
        "/api/v1/audit-events",
        {"object_type": "project", "object_id": side.project_a.pk, "actor_user_id": side.pm.pk},
    ).json()
    assert body["count"] == 1
    event = body["items"][0]
    assert event["action"] == "updated" and event["object_type"] == "project"
    assert event["changes"]["name"][1] == "Renamed by the API"
    assert admin_api.get(f"/api/v1/audit-events/{event['id']}").json()["id"] == event["id"]

    later = (timezone.now() + timedelta(minutes=1)).isoformat()
    assert admin_api.get("/api/v1/audit-events", {"since": later}).json()["count"] == 0
    page = admin_api.get("/api/v1/audit-events", {"page_size": 1}).json()
    assert (
        len(page["items"]) == 1
        and page["count"] == AuditEvent.objects.filter(organisation=side.organisation).count()
    )

    assert pm_api.get("/api/v1/audit-events").status_code == 403
    assert pm_api.get(f"/api/v1/audit-events/{event['id']}").status_code == 404
    foreign = _api(world.two, world.two.owner)
    assert foreign.get(f"/api/v1/audit-events/{event['id']}").status_code == 404


def test_the_audit_trails_count_stops_at_its_limit_and_every_page_is_served(world, monkeypatch):
    from rapport.core.api_pagination import CountedUpTo

    side = world.one
    admin_api = _api(side, side.admin)
    for name in ("One", "Two", "Three", "Four", "Five"):
        admin_api.patch(
            f"/api/v1/projects/{side.project_b.pk}", {"name": name}, content_type="application/json"
        )
    events = AuditEvent.objects.filter(organisation=side.organisation).count()
    assert events > 5
    assert admin_api.get("/api/v1/audit-events").json()["count"] == events  # under it: exact
    monkeypatch.setattr(CountedUpTo, "COUNT_LIMIT", 3)
    first = admin_api.get("/api/v1/audit-events", {"page_size": 2}).json()
    assert first["count"] == 3 and len(first["items"]) == 2
    walked, page = [], 1
    while True:  # walk on while a page is full
        items = admin_api.get("/api/v1/audit-events", {"page_size": 2, "page": page}).json()[
            "items"
        ]
        walked += [item["id"] for item in items]
        if len(items) < 2:
            break
        page += 1
    assert len(walked) == len(set(walked)) == events
    narrowed = admin_api.get(
        "/api/v1/audit-events", {"object_type": "project", "object_id": side.project_a.pk}
    ).json()
    assert narrowed["count"] == len(narrowed["items"]) <= 3


def test_change_request_decisions_hide_the_money_from_those_who_do_not_see_it(world):
    side = world.one
    pm = side.actor(side.pm)
    request = cr_services.change_request_create(
        actor=pm, project=side.project_a, title="More pages", description="Two more", submit=True
    )
    cr_services.change_request_evaluate(
        actor=pm, change_request=request, recommendation="approve", costs={"labour": "100"}
    )
    cr_services.change_request_send_for_approval(actor=pm, change_request=request)
    cr_services.change_request_decide(
        actor=side.contact_actor(side.contact_a), change_request=request, decision="approve"
    )
    url = f"/api/v1/projects/{side.project_a.pk}/change-requests/{request.number}/decisions"

    [decision] = _api(side, side.pm).get(url).json()["items"]
    assert decision["kind"] == "approve" and decision["contact_id"] == side.contact_a.pk
    assert decision["snapshot"]["costs"] == {"labour": "100.00"}
    [seen_by_member] = _api(side, side.member).get(url).json()["items"]
    assert "costs" not in seen_by_member["snapshot"]
    assert seen_by_member["snapshot"]["title"] == "More pages"


def _held_meeting(side: Side):
    start = timezone.now().replace(microsecond=0) - timedelta(hours=2)
    meeting = meeting_services.meeting_schedule(
        actor=side.actor(side.pm),
        project=side.project_a,
        title="Weekly",
        start=start,
        end=start + timedelta(hours=1),
        time_zone="UTC",
        attendee_ids=[side.pm.pk],
        contact_ids=[side.contact_a.pk],
    )
    minutes_services.minutes_record(
        actor=side.actor(side.pm),
        meeting=meeting,
        present_user_ids=[side.pm.pk],
        present_contact_ids=[side.contact_a.pk],
        summary="Agreed the plan.",
    )
    return meeting


def test_meeting_decisions_and_minutes(world):
    side = world.one
    meeting = _held_meeting(side)
    base = f"/api/v1/projects/{side.project_a.pk}/meetings/{meeting.number}"
    pm_api = _api(side, side.pm)

    refused = pm_api.post(f"{base}/decisions", {"text": "Ship"}, content_type="application/json")
    assert refused.status_code == 422 and meeting.decisions.count() == 0
    created = pm_api.post(
        f"{base}/decisions",
        {"text": "Ship on Friday", "decided_by_contact_id": side.contact_a.pk},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["decided_by_contact_id"] == side.contact_a.pk
    assert AuditEvent.objects.filter(action="created", object_repr="Ship on Friday").exists()
    member_api = _api(side, side.member)
    assert [d["text"] for d in member_api.get(f"{base}/decisions").json()["items"]] == [
        "Ship on Friday"
    ]

    assert pm_api.get(f"{base}/minutes").json()["items"] == []
    minutes_services.minutes_publish(actor=side.actor(side.pm), meeting=meeting)
    [version] = member_api.get(f"{base}/minutes").json()["items"]
    assert version["number"] == 1 and version["responses"] == []
    assert "internal_notes" not in version["content"]


def test_action_item_detail(world):
    side = world.one
    item = minutes_services.action_item_create(
        actor=side.actor(side.pm),
        project=side.project_a,
        what="Send the plan",
        due_date=timezone.localdate() + timedelta(days=2),
        owner_contact_id=side.contact_a.pk,
    )
    url = f"/api/v1/projects/{side.project_a.pk}/action-items/{item.pk}"
    body = _api(side, side.member).get(url).json()
    assert body["what"] == "Send the plan" and body["owner_contact_id"] == side.contact_a.pk
    other = f"/api/v1/projects/{side.project_b.pk}/action-items/{item.pk}"
    assert _api(side, side.pm).get(other).status_code == 404


def test_feedback_recorded_read_and_filtered(world):
    side = world.one
    pm_api = _api(side, side.pm)
    url = f"/api/v1/projects/{side.project_a.pk}/feedback"
    today = timezone.localdate().isoformat()

    empty = pm_api.post(
        url, {"source": "call", "received_on": today}, content_type="application/json"
    )
    assert empty.status_code == 422 and not Feedback.objects.exists()
    assert (
        pm_api.post(
            url,
            {"source": "survey", "received_on": today, "nps": 9},
            content_type="application/json",
        ).status_code
        == 422
    )
    created = pm_api.post(
        url,
        {"source": "call", "received_on": today, "quality": 1, "contact_id": side.contact_a.pk},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    feedback = Feedback.objects.get()
    assert feedback.follow_up is not None  # a low score opens a follow-up, as in the app
    assert pm_api.get(f"{url}/{feedback.pk}").json()["quality"] == 1
    assert pm_api.get(url, {"source": "call"}).json()["count"] == 1
    assert pm_api.get(url, {"source": "email"}).json()["count"] == 0
    assert pm_api.get(url, {"until": "2020-01-01"}).json()["count"] == 0
    assert pm_api.get(f"{url}/analysis").status_code == 200


def test_survey_detail(world):
    side = world.one
    survey = feedback_services.survey_send(
        actor=side.actor(side.pm), project=side.project_a, contact_ids=[side.contact_a.pk]
    )
    body = (
        _api(side, side.member)
        .get(f"/api/v1/projects/{side.project_a.pk}/surveys/{survey.pk}")
        .json()
    )
    assert body["id"] == survey.pk
    assert [i["contact_id"] for i in body["invitations"]] == [side.contact_a.pk]
    assert "token" not in str(body)
