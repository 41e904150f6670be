"""The webhook pages: owners and admins only; the secret shown once; bad input explained."""

from __future__ import annotations

import pytest
from django.urls import reverse

from rapport.audit.models import AuditEvent
from rapport.webhooks.models import WebhookDelivery, WebhookSubscription
from tests.webhooks.helpers import shared_issue, subscribe

pytestmark = pytest.mark.django_db

EVENTS = ["issue.shared", "feedback.received"]


def test_an_admin_creates_a_webhook_and_sees_its_secret_once(world, login_as):
    side = world.one
    client = login_as(side.admin)
    response = client.post(
        reverse("webhooks:create"),
        {"url": "https://hooks.example.com/rapport", "description": "CRM", "events": EVENTS},
    )
    assert response.status_code == 200
    subscription = WebhookSubscription.objects.get()
    assert subscription.organisation == side.organisation
    assert subscription.events == ["feedback.received", "issue.shared"]  # registry order
    assert subscription.created_by == side.admin
    assert subscription.secret in response.content.decode()
    detail = client.get(reverse("webhooks:detail", args=[subscription.pk])).content.decode()
    assert subscription.secret not in detail
    assert "Client feedback received" in detail
    event = AuditEvent.objects.get(action="created", object_id=str(subscription.pk))
    assert "secret" not in event.changes
    listing = client.get(reverse("webhooks:list")).content.decode()
    assert "https://hooks.example.com/rapport" in listing


def test_the_pages_in_chinese(world, login_as):
    side = world.one
    side.admin.language = "zh-hans"
    side.admin.save(update_fields=["language"])
    response = login_as(side.admin).post(
        reverse("webhooks:create"), {"url": "http://hooks.example.com/", "events": EVENTS}
    )
    assert response.status_code == 400
    assert "https://" in response.content.decode()
    assert not WebhookSubscription.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"url": "http://hooks.example.com/", "events": EVENTS}, "only sent to https://"),
        ({"url": "https://10.0.0.1/", "events": EVENTS}, "private or reserved"),
        ({"url": "not a url", "events": EVENTS}, "starting with https://"),
        ({"url": "https://hooks.example.com/", "events": []}, "Choose at least one event."),
        ({"url": "https://hooks.example.com/", "events": ["project.exploded"]}, "valid choice"),
        ({"url": "https://hooks.example.com/\x00", "events": EVENTS}, "Null characters"),
        ({"url": "https://h.example.com/" + "a" * 600, "events": EVENTS}, "at most 500"),
    ],
)
def test_bad_input_is_explained_and_nothing_is_saved(world, login_as, data, message):
    response = login_as(world.one.admin).post(reverse("webhooks:create"), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not WebhookSubscription.objects.exists()


def test_edit_pause_resume_rotate_and_delete(world, login_as):
    side = world.one
    subscription = subscribe(side, "https://hooks.example.com/a")
    client = login_as(side.owner)
    response = client.post(
        reverse("webhooks:edit", args=[subscription.pk]),
        {"url": "https://hooks.example.com/b", "events": ["closure.accepted"]},
    )
    assert response.status_code == 302
    subscription.refresh_from_db()
    assert subscription.url.endswith("/b") and subscription.events == ["closure.accepted"]
    assert client.post(reverse("webhooks:pause", args=[subscription.pk])).status_code == 302
    subscription.refresh_from_db()
    assert not subscription.is_active
    assert client.post(reverse("webhooks:resume", args=[subscription.pk])).status_code == 302
    subscription.refresh_from_db()
    assert subscription.is_active
    old = subscription.secret
    response = client.post(reverse("webhooks:rotate", args=[subscription.pk]))
    subscription.refresh_from_db()
    assert subscription.secret != old and subscription.secret in response.content.decode()
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"updated", "webhook_paused", "webhook_resumed", "webhook_secret_rotated"} <= actions
    assert client.post(reverse("webhooks:delete", args=[subscription.pk])).status_code == 302
    assert not WebhookSubscription.objects.exists()


def test_delivery_log_and_replay(world, login_as, receiver, django_capture_on_commit_callbacks):
    side = world.one
    subscription = subscribe(side, receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        shared_issue(side)
    delivery = WebhookDelivery.objects.get()
    client = login_as(side.admin)
    log = client.get(reverse("webhooks:detail", args=[subscription.pk])).content.decode()
    assert "Issue shared with the client" in log and "Delivered" in log
    page = client.get(reverse("webhooks:delivery", args=[delivery.pk])).content.decode()
    assert str(delivery.uuid) in page and "answer 200" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("webhooks:replay", args=[delivery.pk]))
    assert response.status_code == 302
    assert WebhookDelivery.objects.count() == 2 and len(receiver.received) == 2


def test_other_roles_and_organisations_cannot_reach_webhooks(world, login_as):
    side = world.one
    subscription = subscribe(side, "https://hooks.example.com/a")
    for user in (side.pm, side.member):
        client = login_as(user)
        assert client.get(reverse("webhooks:list")).status_code == 403
        assert client.get(reverse("webhooks:detail", args=[subscription.pk])).status_code == 404
    foreign = login_as(world.two.admin)
    assert foreign.get(reverse("webhooks:detail", args=[subscription.pk])).status_code == 404
    assert foreign.post(reverse("webhooks:delete", args=[subscription.pk])).status_code == 404
    assert "hooks.example.com" not in foreign.get(reverse("webhooks:list")).content.decode()
    assert WebhookSubscription.objects.filter(pk=subscription.pk).exists()
