"""Each service action emits its event once, with exactly the documented fields."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from rapport.changes import services as cr
from rapport.closure import services as closure_services
from rapport.feedback import services as feedback_services
from rapport.meetings import reminders
from rapport.webhooks import events
from rapport.webhooks.models import WebhookDelivery
from tests.test_authorization_matrix import (
    _action_item,
    _closable_project,
    _meeting,
    report_at,
)
from tests.webhooks.helpers import shared_issue, subscribe

pytestmark = pytest.mark.django_db


@pytest.fixture
def side(world):
    subscribe(world.one, "https://hooks.example.com/all", events=list(events.EVENTS))
    return world.one


def emitted(name: str) -> list[dict]:
    payloads = [d.payload for d in WebhookDelivery.objects.filter(event=name)]
    for payload in payloads:
        assert payload["event"] == name
        assert set(payload["data"]) == set(events.get(name).fields)
    return [payload["data"] for payload in payloads]


def test_change_request_submitted_and_decided(side):
    request = cr.change_request_create(
        actor=side.contact_actor(side.contact_a),
        project=side.project_a,
        title="Export to Excel",
        description="Every report exportable",
    )
    [submitted] = emitted("change_request.submitted")
    assert submitted["change_request_id"] == request.pk
    assert submitted["submitted_by"] == str(side.contact_a.user)
    cr.change_request_evaluate(
        actor=side.actor(side.pm), change_request=request, recommendation="approve"
    )
    cr.change_request_send_for_approval(actor=side.actor(side.pm), change_request=request)
    cr.change_request_decide(
        actor=side.contact_actor(side.contact_a),
        change_request=request,
        decision="reject",
        comment="Not this year",
    )
    [decided] = emitted("change_request.decided")
    assert decided["decision"] == "reject" and decided["comment"] == "Not this year"
    assert len(emitted("change_request.submitted")) == 1


def test_status_report_published(side):
    report_at("published")(side)
    [data] = emitted("status_report.published")
    assert data["project_id"] == side.project_a.pk and data["health"]


def test_feedback_received_with_its_scores(side):
    feedback_services.feedback_record(
        actor=side.actor(side.pm),
        project=side.project_a,
        source="call",
        received_on=timezone.localdate(),
        comment="Happy with the pace",
        quality=5,
        nps=9,
    )
    [data] = emitted("feedback.received")
    assert data["scores"] == {"quality": 5} and data["nps"] == 9 and data["source"] == "call"


def test_action_item_overdue_once_a_day(side):
    item = _action_item(side, "member")
    today = item.due_date + timedelta(days=2)
    reminders.send_due(today=today)
    reminders.send_due(today=today)  # the same day again: nothing more
    [data] = emitted("action_item.overdue")
    assert data["action_item_id"] == item.pk and data["overdue_days"] == 2


def test_minutes_published(side):
    meeting = _meeting(side, "published")
    [data] = emitted("meeting.minutes_published")
    assert data["meeting_id"] == meeting.pk and data["version"] == 1


def test_closure_published_and_accepted(side):
    project = _closable_project(side)
    closure_services.closure_close(actor=side.actor(side.pm), project=project)
    [published] = emitted("closure.published")
    assert published["project_id"] == project.pk
    closure_services.closure_accept(
        actor=side.contact_actor(side.contact_a), project=project, comment="Thanks"
    )
    [accepted] = emitted("closure.accepted")
    assert accepted["comment"] == "Thanks" and accepted["accepted_by"]


def test_issue_shared(side):
    issue = shared_issue(side)
    [data] = emitted("issue.shared")
    assert data["reference"] == issue.reference
