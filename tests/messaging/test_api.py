"""Conversations through the member API and the client portal API."""

from datetime import timedelta

import pytest
from django.test import Client as HttpClient
from django.utils import timezone

from rapport.messaging import services as messaging
from rapport.messaging.models import Message, Thread
from rapport.tenancy import services
from tests.messaging import samples

pytestmark = pytest.mark.django_db

JSON = "application/json"


def _api(side, user) -> HttpClient:
    _token, secret = services.api_token_create(actor=side.actor(user), name="t")
    return HttpClient(headers={"Authorization": f"Bearer {secret}"})


def _portal(side, contact) -> HttpClient:
    _token, secret = services.contact_api_token_create(actor=side.contact_actor(contact), name="t")
    return HttpClient(headers={"Authorization": f"Bearer {secret}"})


def test_a_conversation_through_both_apis(world):
    side = world.one
    project = side.project_a
    client = _portal(side, side.contact_a)
    pm = _api(side, side.pm)
    portal_base = f"/api/v1/portal/projects/{project.pk}/threads"
    base = f"/api/v1/projects/{project.pk}/threads"

    created = client.post(
        portal_base, {"subject": "Access", "body": "We need **two** more logins"}, content_type=JSON
    )
    assert created.status_code == 201, created.content
    body = created.json()
    thread_id = body["id"]
    assert body["opened_by"] == side.contact_a.full_name and body["opened_by_client"] is True
    assert body["messages"][0]["body_html"] == "<p>We need <strong>two</strong> more logins</p>\n"
    assert "waiting_since" not in body and "response_seconds" not in body["messages"][0]

    listed = pm.get(base).json()
    assert listed["count"] == 1
    row = listed["items"][0]
    assert (row["id"], row["unread"], row["unread_count"]) == (thread_id, True, 1)
    assert row["waiting_since"] is not None

    read = pm.get(f"{base}/{thread_id}").json()
    assert [m["body"] for m in read["messages"]] == ["We need **two** more logins"]
    assert pm.get(base).json()["items"][0]["unread"] is False  # reading marked it read

    answer = pm.post(f"{base}/{thread_id}/messages", {"body": "Done."}, content_type=JSON)
    assert answer.status_code == 201, answer.content
    assert answer.json()["from_client"] is False
    assert answer.json()["response_seconds"] >= 0
    assert pm.get(base).json()["items"][0]["waiting_since"] is None

    mine = client.get(portal_base).json()["items"][0]
    assert (mine["unread"], mine["message_count"]) == (True, 2)
    thread = client.get(f"{portal_base}/{thread_id}").json()
    assert [m["author"] for m in thread["messages"]] == [
        side.contact_a.full_name,
        side.pm.full_name,
    ]
    assert client.get(portal_base).json()["items"][0]["unread"] is False


def test_attachments_are_listed_with_their_download_page(world):
    side = world.one
    thread = messaging.thread_open(
        actor=side.actor(side.pm),
        project=side.project_a,
        subject="Minutes",
        body="Attached",
        attachments=[samples.pdf()],
    )
    attachment = thread.messages.get().attachments.get()
    team = _api(side, side.pm).get(f"/api/v1/projects/{side.project_a.pk}/threads/{thread.pk}")
    client = _portal(side, side.contact_a).get(
        f"/api/v1/portal/projects/{side.project_a.pk}/threads/{thread.pk}"
    )
    path = f"/projects/{side.project_a.pk}/messages/{thread.pk}/attachments/{attachment.pk}/"
    assert team.json()["messages"][0]["attachments"] == [
        {
            "id": attachment.pk,
            "filename": "minutes.pdf",
            "content_type": "application/pdf",
            "size": attachment.size,
            "download_url": f"/app{path}",
        }
    ]
    assert client.json()["messages"][0]["attachments"][0]["download_url"] == f"/portal{path}"


def test_refusals_are_problems_in_the_callers_words(world):
    side = world.one
    pm = _api(side, side.pm)
    base = f"/api/v1/projects/{side.project_a.pk}/threads"
    empty = pm.post(base, {"subject": "Hi", "body": " "}, content_type=JSON)
    assert empty.status_code == 422
    assert empty.json()["errors"] == [
        {"field": "body", "message": "Write a message or attach a file."}
    ]
    long = pm.post(base, {"subject": "x" * 201, "body": "x"}, content_type=JSON)
    assert long.status_code == 422
    draft = pm.post(
        f"/api/v1/projects/{side.project_a_draft.pk}/threads",
        {"subject": "Hi", "body": "Hi"},
        content_type=JSON,
    )
    assert draft.status_code == 422
    assert "Publish the project" in draft.json()["errors"][0]["message"]
    assert not Thread.objects.exists()


def test_foreign_threads_are_not_found(world):
    side, other = world.one, world.two
    thread = messaging.thread_open(
        actor=side.contact_actor(side.contact_a), project=side.project_a, subject="A", body="A"
    )
    at = timezone.now() - timedelta(hours=1)
    messaging.message_post(actor=side.actor(side.pm), thread=thread, body="B", at=at)
    path = f"/projects/{side.project_a.pk}/threads/{thread.pk}"
    assert _portal(side, side.contact_b).get(f"/api/v1/portal{path}").status_code == 404
    assert _portal(other, other.contact_a).get(f"/api/v1/portal{path}").status_code == 404
    assert _api(other, other.owner).get(f"/api/v1{path}").status_code == 404
    assert _api(side, side.outsider).get(f"/api/v1{path}").status_code == 404
    assert (
        _portal(side, side.contact_b)
        .post(f"/api/v1/portal{path}/messages", {"body": "hi"}, content_type=JSON)
        .status_code
        == 404
    )
    assert Message.objects.count() == 2
