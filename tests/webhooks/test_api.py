"""Webhooks through the API: admin tokens only, the secret returned once, problem+json on bad
input, deliveries with their attempts, replay."""

from __future__ import annotations

import json

import pytest
from django.test import Client as HttpClient

from rapport.tenancy import services as tenancy
from rapport.webhooks import events
from rapport.webhooks.models import WebhookDelivery, WebhookSubscription
from tests.webhooks.helpers import shared_issue, subscribe

pytestmark = pytest.mark.django_db

JSON = "application/json"


def _api(side, user) -> HttpClient:
    _token, secret = tenancy.api_token_create(actor=side.actor(user), name="t")
    return HttpClient(headers={"Authorization": f"Bearer {secret}"})


def test_create_read_update_and_delete(world):
    api = _api(world.one, world.one.admin)
    body = {"url": "https://hooks.example.com/in", "events": ["closure.accepted", "issue.shared"]}
    created = api.post("/api/v1/webhooks", json.dumps(body), content_type=JSON)
    assert created.status_code == 201
    data = created.json()
    subscription = WebhookSubscription.objects.get()
    assert data["secret"] == subscription.secret
    got = api.get(f"/api/v1/webhooks/{data['id']}").json()
    assert "secret" not in got and got["events"] == ["closure.accepted", "issue.shared"]
    patched = api.patch(
        f"/api/v1/webhooks/{data['id']}", json.dumps({"description": "ERP"}), content_type=JSON
    )
    assert patched.status_code == 200 and patched.json()["description"] == "ERP"
    assert (
        api.post(f"/api/v1/webhooks/{data['id']}/pause", content_type=JSON).json()["is_active"]
        is False
    )
    assert (
        api.post(f"/api/v1/webhooks/{data['id']}/resume", content_type=JSON).json()["is_active"]
        is True
    )
    rotated = api.post(f"/api/v1/webhooks/{data['id']}/rotate-secret", content_type=JSON).json()
    assert rotated["secret"] not in (data["secret"], "")
    listing = api.get("/api/v1/webhooks").json()
    assert [item["id"] for item in listing["items"]] == [data["id"]]
    assert api.delete(f"/api/v1/webhooks/{data['id']}").status_code == 204
    assert not WebhookSubscription.objects.exists()


def test_the_event_registry(world):
    listed = _api(world.one, world.one.owner).get("/api/v1/webhook-events").json()
    assert [item["name"] for item in listed] == list(events.EVENTS)
    assert listed[0]["fields"] == list(events.EVENTS[listed[0]["name"]].fields)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"url": "http://hooks.example.com/", "events": ["issue.shared"]}, "url"),
        ({"url": "https://192.168.1.1/", "events": ["issue.shared"]}, "url"),
        ({"url": "https://hooks.example.com/", "events": []}, "events"),
        ({"url": "https://hooks.example.com/", "events": ["nope"]}, "events.0"),
        ({"url": "", "events": ["issue.shared"]}, "url"),
        ({"events": ["issue.shared"]}, "url"),
    ],
)
def test_bad_input_is_a_422_and_writes_nothing(world, body, field):
    response = _api(world.one, world.one.admin).post(
        "/api/v1/webhooks", json.dumps(body), content_type=JSON
    )
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert field in [error["field"] for error in response.json()["errors"]]
    assert not WebhookSubscription.objects.exists()


def test_deliveries_their_attempts_and_replay(world, receiver, django_capture_on_commit_callbacks):
    side = world.one
    subscription = subscribe(side, receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        shared_issue(side)
    api = _api(side, side.admin)
    [listed] = api.get(f"/api/v1/webhooks/{subscription.pk}/deliveries").json()["items"]
    assert listed["status"] == "succeeded" and listed["last_status_code"] == 200
    detail = api.get(f"/api/v1/webhook-deliveries/{listed['id']}").json()
    assert detail["payload"]["event"] == "issue.shared"
    assert [a["status_code"] for a in detail["attempt_log"]] == [200]
    with django_capture_on_commit_callbacks(execute=True):
        replayed = api.post(f"/api/v1/webhook-deliveries/{listed['id']}/replay", content_type=JSON)
    assert replayed.status_code == 202 and replayed.json()["replay_of_id"] == listed["id"]
    assert len(receiver.received) == 2


def test_only_admin_tokens_of_the_organisation(world):
    side = world.one
    subscription = subscribe(side, "https://hooks.example.com/a")
    for user in (side.pm, side.member):
        api = _api(side, user)
        assert api.get("/api/v1/webhooks").status_code == 403
        assert api.get("/api/v1/webhook-events").status_code == 403
        assert api.get(f"/api/v1/webhooks/{subscription.pk}").status_code == 404
        body = json.dumps({"url": "https://hooks.example.com/b", "events": ["issue.shared"]})
        assert api.post("/api/v1/webhooks", body, content_type=JSON).status_code == 403
    foreign = _api(world.two, world.two.admin)
    assert foreign.get(f"/api/v1/webhooks/{subscription.pk}").status_code == 404
    assert foreign.delete(f"/api/v1/webhooks/{subscription.pk}").status_code == 404
    assert foreign.get("/api/v1/webhooks").json()["items"] == []
    assert WebhookSubscription.objects.count() == 1 and not WebhookDelivery.objects.exists()
